/// One day in milliseconds: the unit of recontact periods, caps and report windows.
let dayMs: Int64 = 86_400_000
