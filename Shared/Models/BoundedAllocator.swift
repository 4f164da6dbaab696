internal import CProto

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// How much protobuf-c may still allocate while unpacking one message.
///
/// Counts every allocation and never credits frees: the limit bounds the total work a single
/// message can cause, not just its peak memory.
struct AllocationBudget {
    /// The most bytes all allocations together may request.
    let limit: Int
    /// The bytes requested so far.
    private var allocatedBytes = 0
    /// Whether an allocation was refused because it would have exceeded `limit`.
    private(set) var isExhausted = false

    /// Creates a budget with nothing allocated yet.
    /// - Parameter limit: The most bytes all allocations together may request.
    init(limit: Int) {
        self.limit = limit
    }

    /// Records an allocation of `byteCount` bytes, or refuses it if the total would exceed the limit.
    /// - Parameter byteCount: The size protobuf-c asks for.
    /// - Returns: Whether the allocation may go ahead.
    mutating func charge(_ byteCount: Int) -> Bool {
        guard byteCount <= limit - allocatedBytes else {
            isExhausted = true
            return false
        }
        allocatedBytes += byteCount
        return true
    }
}

extension ProtobufCAllocator {
    /// An allocator that takes from `budget` and returns NULL once it is spent, which makes
    /// protobuf-c abandon the unpack, free what it had allocated, and return NULL.
    ///
    /// Memory comes from `malloc` and goes back with `free`; frees are not charged or credited.
    /// - Parameter budget: Charged for every allocation; must stay valid, and be accessed only
    ///   through protobuf-c, while the allocator is in use.
    static func bounded(by budget: UnsafeMutablePointer<AllocationBudget>) -> ProtobufCAllocator {
        ProtobufCAllocator(
            alloc: allocateWithinBudget, free: freeAllocation, allocator_data: UnsafeMutableRawPointer(budget))
    }
}

/// The allocator's `alloc`: charges the `AllocationBudget` that `allocatorData` points to, and
/// returns NULL when it is spent.
private func allocateWithinBudget(_ allocatorData: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let budget = allocatorData?.assumingMemoryBound(to: AllocationBudget.self), budget.pointee.charge(size)
    else { return nil }
    return malloc(max(size, 1))  // malloc(0) may return NULL, which protobuf-c would take for failure
}

/// The allocator's `free`.
private func freeAllocation(_: UnsafeMutableRawPointer?, _ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}
