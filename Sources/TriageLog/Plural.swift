/// Counts with their noun in the right number, for messages people read ("1 rule", "2 rules").
public enum Plural {
    /// `count` followed by `singular` when it is 1, else by `plural` (default: `singular` + "s").
    public static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
    }
}
