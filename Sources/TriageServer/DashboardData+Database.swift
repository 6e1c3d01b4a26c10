import Foundation
import Hummingbird
import TriageFlywheel
import TriageJSON
import TriageLog
import TriagePostgres

/// The dashboard's endpoints with `log.sink: postgres`: every replica's records are read from
/// the shared database (the replica's own memory holds only its own), so any replica's page
/// shows them all, with each record's `replica`.
extension DashboardData {
    static func report(options: ReportOptions, database: PostgresStore) async -> Response {
        do {
            return json(Array(try await database.report(options: options).json()))
        } catch {
            return APIError(status: .internalServerError, message: "cannot read the report from the database: \(PostgresStoreError.describe(error))",
                            type: "server_error", code: .reportFailed).response(requestID: nil)
        }
    }

    static func requests(query: Parameters, database: PostgresStore) async -> Response {
        let limit = min(max(query["limit"].flatMap { Int($0) } ?? 50, 1), maxLimit)
        var filter = PostgresStore.RecentFilter(backend: query["backend"].map(String.init), rule: query["rule"].map(String.init))
        switch query["status"].map(String.init) {
        case "ok"?: filter.failed = false
        case "error"?: filter.failed = true
        case let text?: filter.status = Int(text)
        case nil: break
        }
        do {
            let lines = try await database.recentLines(limit: limit, filter: filter)
            let rows = lines.compactMap { line -> JSONValue? in
                guard let record = LogEntry.parse(line: Array(line.utf8))?.record else { return nil }
                return summary(record, preview: String((TailFormatter.lastUserText(record.messages) ?? "").prefix(previewLength)))
            }
            return json(JSONValue.object(["requests": .array(rows), "held": .int(rows.count)]).jsonBytes)
        } catch {
            return APIError(status: .internalServerError, message: "cannot read requests from the database: \(PostgresStoreError.describe(error))",
                            type: "server_error", code: .requestsFailed).response(requestID: nil)
        }
    }

    static func request(id: String, database: PostgresStore) async -> Response {
        do {
            guard let line = try await database.line(id: id), let record = LogEntry.parse(line: Array(line.utf8))?.record else {
                return APIError(status: .notFound, message: "No request '\(id)' in the routing log.", type: "invalid_request_error",
                                code: .requestNotFound).response(requestID: nil)
            }
            let feedback = try await database.latestFeedbackLine(requestID: id).flatMap { Feedback.parse(line: Array($0.utf8)) }
            return detail(record, feedback: feedback)
        } catch {
            return APIError(status: .internalServerError, message: "cannot read the request from the database: \(PostgresStoreError.describe(error))",
                            type: "server_error", code: .requestFailed).response(requestID: nil)
        }
    }
}
