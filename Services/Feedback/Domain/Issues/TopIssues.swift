import Models

/// What to fix first: the terms and two-word phrases of comments that most distinguish detractors
/// from promoters, ranked by lift, with example comments.
enum TopIssues {
    /// Words too common to say anything about a product (English), plus contractions without their
    /// apostrophe, as the tokenizer leaves them.
    static let stopWords: Set<String> = [
        "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
        "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "dont", "didnt",
        "doesnt", "for", "from", "get", "got", "had", "has", "have", "having", "he", "her", "here", "him", "his",
        "how", "i", "im", "ive", "if", "in", "into", "is", "isnt", "it", "its", "just", "me", "more", "most", "my",
        "no", "not", "now", "of", "on", "once", "only", "or", "other", "our", "out", "over", "own", "really", "same",
        "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these",
        "they", "this", "those", "through", "to", "too", "under", "until", "up", "us", "very", "was", "wasnt", "we",
        "were", "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "you", "your",
    ]

    /// The distinct terms of a comment: words (stop words removed) and the two-word phrases they form.
    static func terms(of comment: String) -> Set<String> {
        let words =
            comment.lowercased().replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "’", with: "")
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map(String.init)
            .filter { $0.count > 1 && !stopWords.contains($0) }
        var terms = Set(words)
        for index in words.indices.dropLast() { terms.insert("\(words[index]) \(words[index + 1])") }
        return terms
    }

    /// Ranks the terms of detractor comments by lift over promoter comments.
    /// - Parameters:
    ///   - detractors: detractor comments, newest first (examples are taken in this order).
    ///   - promoters: promoter comments.
    ///   - minCount: a term must appear in at least this many detractor comments.
    static func rank(detractors: [String], promoters: [String], minCount: Int, limit: Int) -> [IssueTerm] {
        let detractorTerms = detractors.map(terms(of:))
        var promoterCounts: [String: Int] = [:]
        for comment in promoters { for term in terms(of: comment) { promoterCounts[term, default: 0] += 1 } }
        var detractorCounts: [String: Int] = [:]
        for termSet in detractorTerms { for term in termSet { detractorCounts[term, default: 0] += 1 } }
        let detractorTotal = Double(detractors.count + 2)
        let promoterTotal = Double(promoters.count + 2)
        let ranked = detractorCounts.filter { $0.value >= minCount }.map { term, count -> IssueTerm in
            let inPromoters = promoterCounts[term] ?? 0
            let lift = (Double(count + 1) / detractorTotal) / (Double(inPromoters + 1) / promoterTotal)
            return IssueTerm(
                term: term, detractorComments: UInt32(count), promoterComments: UInt32(inPromoters), lift: lift)
        }
        .filter { $0.lift > 1 }
        .sorted { ($0.lift, $0.detractorComments, $1.term) > ($1.lift, $1.detractorComments, $0.term) }
        return ranked.prefix(limit).map { issue in
            var issue = issue
            issue.examples = zip(detractors, detractorTerms).filter { $0.1.contains(issue.term) }.prefix(3).map(\.0)
            return issue
        }
    }
}
