/// Polls `condition` every `interval` for up to `timeout`, then once more: whether it came true.
/// An error from `condition` ends the wait (it is thrown).
public func eventually(
    _ timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
