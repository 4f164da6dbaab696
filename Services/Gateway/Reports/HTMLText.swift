/// Escaping for text put into the HTML report: customer names, comments, tier and level names all
/// come from users, so nothing reaches the page unescaped.
enum HTMLText {
    /// The text safe inside an element or a double- or single-quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
