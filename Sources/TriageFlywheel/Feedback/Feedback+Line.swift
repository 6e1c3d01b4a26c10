import TriageJSON

extension Feedback {
    /// The feedback as one JSON line (keys sorted), newline included: what `feedback.jsonl` holds.
    public func jsonLine() throws(FlywheelError) -> [UInt8] {
        var line: [UInt8]
        do { line = try JSONCoding.encode(self) } catch {
            throw .cannotWrite(path: "feedback", reason: "cannot encode feedback for \(requestID): \(error)")
        }
        line.append(0x0A)
        return line
    }
}
