import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TriageConfig
import TriageDashboard
import TriageFlywheel
import TriageLog
import TriagePostgres

/// `GET /ui` and the JSON endpoints behind it (see the README's "Dashboard" section):
///
/// - `GET /v1/triage/report?since=1h&until=…&bucket=60`: the `triage report --json` report of
///   the window, with `classifier.timeline` in buckets of `bucket` seconds (default: the window
///   split in about 60).
/// - `GET /v1/triage/requests?limit=50&backend=…&rule=…&status=ok|error|CODE`: the most recent
///   decisions, newest first, one summary each.
/// - `GET /v1/triage/requests/ID`: one whole routing record (prompt and answer included) and its feedback.
///
/// The page's files hold no data and load without a key (the page asks for one); every JSON
/// endpoint goes through the client-key check like the rest of the API.
extension TriageServer {
    static func addDashboardRoutes(to router: Router<TriageRequestContext>, routes: RoutesStore, recent: RecentRequests, store: ReportStore?,
                                   database: PostgresStore?, logPath: String) {
        for (path, asset) in DashboardAssets.files {
            router.get(RouterPath(path)) { _, _ in
                guard routes.snapshot.config.ui.enabled else { throw HTTPError(.notFound) }
                var headers: HTTPFields = [
                    .contentType: asset.contentType, .contentSecurityPolicy: DashboardAssets.contentSecurityPolicy,
                    .cacheControl: "no-cache", .xContentTypeOptions: "nosniff",
                ]
                if let name = HTTPField.Name("referrer-policy") { headers[name] = "no-referrer" }
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
            }
        }
        router.get("/v1/triage/report") { request, _ in
            let active = routes.snapshot
            guard active.config.ui.enabled else { throw HTTPError(.notFound) }
            return await DashboardData.report(query: request.uri.queryParameters, active: active, store: store, database: database, logPath: logPath)
        }
        router.get("/v1/triage/requests") { request, _ in
            guard routes.snapshot.config.ui.enabled else { throw HTTPError(.notFound) }
            if let database { return await DashboardData.requests(query: request.uri.queryParameters, database: database) }
            return await DashboardData.requests(query: request.uri.queryParameters, recent: recent)
        }
        router.get("/v1/triage/requests/{id}") { request, context in
            guard routes.snapshot.config.ui.enabled else { throw HTTPError(.notFound) }
            let id = context.parameters.get("id") ?? ""
            if let database { return await DashboardData.request(id: id, database: database) }
            return await DashboardData.request(id: id, recent: recent, logPath: logPath)
        }
    }
}
