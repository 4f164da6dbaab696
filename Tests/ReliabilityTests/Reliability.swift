import Testing

/// The suite under fire: processes killed, frozen, flooded and abused. One suite at a time, and a
/// test target of its own, because each of these loads the two cores on purpose and would starve
/// the timing-sensitive tests of other suites (README, "Reliability").
@Suite("reliability under fire", .serialized)
struct Reliability {}
