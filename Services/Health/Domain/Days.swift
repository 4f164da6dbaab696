/// One day in milliseconds: the unit of usage rollups, windows, due dates and silence.
let dayMs: Int64 = 86_400_000
