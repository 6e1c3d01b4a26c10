import Synchronization

/// A token bucket per client: `perMinute` requests a minute, in bursts of up to as many.
/// Clients are kept by a 64-bit hash of their identity (key or address), at most `maxClients`
/// of them; buckets that have refilled are forgotten first.
final class ClientRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[UInt64: Bucket]>([:])
    private let maxClients: Int

    init(maxClients: Int = 10_000) {
        self.maxClients = maxClients
    }

    /// Takes one token for `client`: `nil` when allowed, else the seconds until one is available.
    func take(client: String, perMinute: Int, now: ContinuousClock.Instant = .now) -> Double? {
        let capacity = Double(max(1, perMinute))
        let perSecond = capacity / 60
        let id = Self.hash(client)
        return buckets.withLock { buckets in
            var bucket = buckets[id] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + max(0, seconds) * perSecond)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[id] = bucket
                return (1 - bucket.tokens) / perSecond
            }
            bucket.tokens -= 1
            if buckets[id] == nil && buckets.count >= maxClients {
                Self.evict(&buckets, capacity: capacity, perSecond: perSecond, now: now)
            }
            buckets[id] = bucket
            return nil
        }
    }

    /// Forgets clients whose bucket is full again; if none is, an arbitrary one.
    private static func evict(_ buckets: inout [UInt64: Bucket], capacity: Double, perSecond: Double, now: ContinuousClock.Instant) {
        let full = buckets.filter { _, bucket in
            let elapsed = now - bucket.updated
            return bucket.tokens + Double(elapsed.components.seconds) * perSecond >= capacity
        }
        for key in full.keys { buckets.removeValue(forKey: key) }
        if let any = buckets.keys.first, full.isEmpty { buckets.removeValue(forKey: any) }
    }

    /// FNV-1a, 64 bits: identities (which may be keys) are not kept as text.
    private static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
