import Foundation

/// Shows an import's progress on standard error: a bar with rate and ETA redrawn in place on a
/// terminal, or a plain line every few seconds when standard error is a file or a pipe.
struct ImportProgress {
    private let totalBytes: Int64
    private let interactive = isatty(STDERR_FILENO) == 1
    private let started = ContinuousClock.now
    private var lastShown = ContinuousClock.now

    init(totalBytes: Int64) { self.totalBytes = totalBytes }

    mutating func update(rows: Int, bytes: Int64) {
        let now = ContinuousClock.now
        guard now - lastShown >= (interactive ? .milliseconds(100) : .seconds(5)) else { return }
        lastShown = now
        write(line(rows: rows, bytes: bytes), final: false)
    }

    func finish(rows: Int, bytes: Int64) {
        write(line(rows: rows, bytes: bytes), final: true)
    }

    private func line(rows: Int, bytes: Int64) -> String {
        let seconds = max((ContinuousClock.now - started) / .seconds(1), 0.001)
        let share = totalBytes > 0 ? min(Double(bytes) / Double(totalBytes), 1) : 1
        let rate = Double(rows) / seconds
        let remaining = share > 0 ? seconds * (1 - share) / share : 0
        let text = String(format: "%3.0f%%  %d rows  %.0f rows/s  ETA %@", share * 100, rows, rate, clock(remaining))
        guard interactive else { return text }
        let width = 30
        let filled = Int((share * Double(width)).rounded(.down))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] " + text
    }

    private func write(_ text: String, final: Bool) {
        let output = interactive ? "\r\u{1B}[K" + text + (final ? "\n" : "") : text + "\n"
        FileHandle.standardError.write(Data(output.utf8))
    }

    private func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
