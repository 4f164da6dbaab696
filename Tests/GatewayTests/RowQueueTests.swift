import Testing

@testable import cxctl

@Suite("import row order")
struct RowQueueTests {
    @Test("rows go in file order, but a row waits while an earlier row with its key is being sent")
    func sameKeyWaits() {
        var queue = RowQueue(keys: ["r-1", "r-2", "r-1", "", "", "r-3", "r-1"])
        // r-1's second row (2) is passed over while the first is out; empty keys never wait.
        #expect([queue.next(), queue.next(), queue.next(), queue.next(), queue.next()] == [0, 1, 3, 4, 5])
        // The third r-1 (6) is held behind the second: nothing else can go.
        #expect(queue.next() == nil)
        queue.finished(0)
        #expect(queue.next() == 2)
        #expect(queue.next() == nil)
        queue.finished(1)
        #expect(queue.next() == nil)
        queue.finished(2)
        #expect(queue.next() == 6)
        #expect(queue.next() == nil)
    }
}
