/// The spelling rules of the Prometheus text exposition format (version 0.0.4).
enum PrometheusText {
    /// `label` as a metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`, anything else replaced by `_`.
    static func metricName(_ label: String) -> String {
        sanitize(label, allowColon: true)
    }

    /// `{a="1",b="2"}` with names sorted and values escaped, or "" without dimensions.
    static func labels(_ dimensions: [(String, String)]) -> String {
        guard !dimensions.isEmpty else { return "" }
        let pairs = dimensions.map { (sanitize($0.0, allowColon: false), $0.1) }.sorted { $0.0 < $1.0 }
        return "{" + pairs.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// `labels` with one more label appended (the histogram's `le`).
    static func withLabel(_ labels: String, _ name: String, _ value: String) -> String {
        let pair = "\(name)=\"\(value)\""
        return labels.isEmpty ? "{\(pair)}" : String(labels.dropLast()) + ",\(pair)}"
    }

    /// A label value: backslash, double quote and line feed escaped.
    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A `# HELP` text: backslash and line feed escaped.
    static func escapeHelp(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A sample value: integers without a fraction (`3`, not `3.0`), `+Inf`, `-Inf`, `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func sanitize(_ name: String, allowColon: Bool) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            let allowed =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || (allowColon && scalar == ":")
            result.unicodeScalars.append(allowed ? scalar : "_")
        }
        if let first = result.unicodeScalars.first, ("0"..."9").contains(first) { result = "_" + result }
        return result.isEmpty ? "_" : result
    }
}
