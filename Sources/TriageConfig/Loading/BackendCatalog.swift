/// Backend names seen while parsing, in file order, for checking references
/// from rules and `auto`.
struct BackendCatalog {
    /// Names in file order, without duplicates.
    private(set) var names: [String] = []
    /// Line where each name was first defined.
    private(set) var lines: [String: Int] = [:]
    /// False when `backends:` itself was broken (missing, not a list, an entry
    /// without a usable name), so an unknown name may just be one we could not
    /// read; references are then not checked, to avoid follow-on errors.
    var isComplete = true

    /// Records `name` defined at `line`; returns the earlier line if it was already defined.
    mutating func add(_ name: String, line: Int) -> Int? {
        if let earlier = lines[name] { return earlier }
        names.append(name)
        lines[name] = line
        return nil
    }

    /// True if `name` was defined, or if the catalog is incomplete (so it cannot tell).
    func accepts(_ name: String) -> Bool {
        !isComplete || lines[name] != nil
    }

    /// `unknown backend 'remot' (known: local, remote)`
    func unknownMessage(_ name: String) -> String {
        let known = names.isEmpty ? "no backends are defined" : "known: \(names.joined(separator: ", "))"
        return "unknown backend '\(name)' (\(known))"
    }
}
