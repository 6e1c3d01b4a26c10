import CCurl

/// The curl header lists of recent requests, built once and shared by every transfer that
/// sends the same headers (a backend's requests usually do: content type, accept, its key),
/// instead of a `curl_slist` (an allocation and a copy per line) built, checked and freed per
/// request. Used only on the event-loop thread.
final class HeaderListCache {
    /// One request's headers and their curl list, freed when the last holder lets go (the
    /// cache, or a transfer still sending with it after it left the cache).
    final class Entry {
        let headers: [(name: String, value: String)]
        let list: UnsafeMutablePointer<curl_slist>?

        init(headers: [(name: String, value: String)], list: UnsafeMutablePointer<curl_slist>?) {
            self.headers = headers
            self.list = list
        }

        deinit {
            if let list { curl_slist_free_all(list) }
        }

        func matches(_ other: [(name: String, value: String)]) -> Bool {
            guard headers.count == other.count else { return false }
            for index in headers.indices where headers[index].name != other[index].name || headers[index].value != other[index].value {
                return false
            }
            return true
        }
    }

    /// Most recently used last.
    private var entries: [Entry] = []
    let capacity: Int
    /// Lookups answered from the cache, and lists built (for tests).
    private(set) var hits = 0
    private(set) var builds = 0

    init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
    }

    /// Entries held now.
    var count: Int { entries.count }

    /// The list for `headers`: a cached one, or a new one (checked and built by `build`,
    /// then cached, evicting the least recently used).
    func entry(
        for headers: [(name: String, value: String)],
        build: ([(name: String, value: String)]) -> Result<UnsafeMutablePointer<curl_slist>?, EasyHandleSetup.HeaderListError>
    ) -> Result<Entry, EasyHandleSetup.HeaderListError> {
        if let index = entries.lastIndex(where: { $0.matches(headers) }) {
            hits += 1
            let entry = entries[index]
            if index != entries.count - 1 {
                entries.remove(at: index)
                entries.append(entry)
            }
            return .success(entry)
        }
        switch build(headers) {
        case .failure(let error):
            return .failure(error)
        case .success(let list):
            builds += 1
            let entry = Entry(headers: headers, list: list)
            if entries.count >= capacity { entries.removeFirst() }
            entries.append(entry)
            return .success(entry)
        }
    }
}
