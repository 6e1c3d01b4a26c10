// swift-tools-version:6.1
import PackageDescription

let strictSwift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "triage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "triage", targets: ["triage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // OTLP/HTTP only: the gRPC exporter's dependencies are not built.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // libcurl, as a system library: module map plus a shim that wraps curl's variadic calls.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        // routes.yaml: the model of the configuration, loading and validation with file:line messages.
        .target(
            name: "TriageConfig",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSwift6
        ),
        // Sensitive data detectors (cards, IBANs, ids, secrets, ...), masking and the privacy guard.
        .target(
            name: "TriagePrivacy",
            dependencies: ["TriageConfig", "TriageJSON"],
            swiftSettings: strictSwift6
        ),
        // The routing decision: rule matching, then the `route: auto` classifier; which backend a
        // request goes to, and why (shared by `triage serve` and `triage replay`).
        .target(
            name: "TriageRouting",
            dependencies: ["TriageConfig", "TriageClassifier", "TriageLog", "TriageJSON", "TriageFlywheel"],
            swiftSettings: strictSwift6
        ),
        // Outbound HTTP to model APIs on libcurl's multi interface, streaming bodies as async sequences.
        .target(
            name: "TriageUpstream",
            dependencies: ["CCurl"],
            swiftSettings: strictSwift6
        ),
        // The one JSON reader and writer: a schema-free JSON value, the fast parser and writer, and
        // Codable types through them.
        .target(
            name: "TriageJSON",
            dependencies: [],
            swiftSettings: strictSwift6
        ),
        // Server-sent events: the one parser/framer (events, and frames with their bytes) and writer.
        .target(
            name: "TriageSSE",
            dependencies: [],
            swiftSettings: strictSwift6
        ),
        // Translation between OpenAI chat completions and Anthropic messages: requests, answers, errors, streams.
        .target(
            name: "TriageAnthropic",
            dependencies: ["TriageJSON", "TriageSSE"],
            swiftSettings: strictSwift6
        ),
        // The OpenAI Responses API translated to and from chat completions: requests, answers, streams.
        .target(
            name: "TriageResponses",
            dependencies: ["TriageJSON", "TriageAnthropic", "TriageSSE"],
            swiftSettings: strictSwift6
        ),
        // Stable hashes (FNV-1a) and a seeded PRNG (SplitMix64), the same on every run and machine.
        .target(
            name: "TriageHashing",
            dependencies: [],
            swiftSettings: strictSwift6
        ),
        // The `route: auto` classifier: distribution fit (TF-IDF top-k over the local model's
        // reference prompts, conformally calibrated) and complexity (logistic regression).
        .target(
            name: "TriageClassifier",
            dependencies: ["TriageJSON", "TriageHashing"],
            resources: [.copy("Resources")],
            swiftSettings: strictSwift6
        ),
        // Quality, speed and memory benchmark of the classifier (sources in bench/classifier).
        .executableTarget(
            name: "triage-classifier-bench",
            dependencies: ["TriageClassifier", "TriageHashing"],
            path: "bench/classifier",
            swiftSettings: strictSwift6
        ),
        // The proxy's Prometheus metrics, recorded through swift-metrics.
        .target(
            name: "TriageMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSwift6
        ),
        // The JSONL routing log: record type, background writer, tolerant reader, tail formatting.
        .target(
            name: "TriageLog",
            dependencies: ["TriageJSON"],
            swiftSettings: strictSwift6
        ),
        // The retraining flywheel: export of fine-tuning data and labels, the savings report,
        // feedback storage, shadow sampling, reading rotated logs in bounded memory.
        .target(
            name: "TriageFlywheel",
            dependencies: ["TriageLog", "TriageJSON", "TriageHashing", "TriageConfig"],
            swiftSettings: strictSwift6
        ),
        // The LLM judge's pure parts: the versioned prompt file (a resource), verdict parsing,
        // combining the two position-swapped orders into one grade.
        .target(
            name: "TriageJudge",
            dependencies: ["TriageLog", "TriageFlywheel", "TriageHashing"],
            resources: [.copy("Resources")],
            swiftSettings: strictSwift6
        ),
        // Precision, recall and speed of the privacy detectors (sources in bench/privacy).
        .executableTarget(
            name: "triage-privacy-bench",
            dependencies: ["TriagePrivacy", "TriageConfig", "TriageJSON"],
            path: "bench/privacy",
            exclude: ["generate.py", "README.md"],
            swiftSettings: strictSwift6
        ),
        // The proxy's hot path alone on SwiftNIO and on Hummingbird, side by side (bench only;
        // sources in bench/relay-proto).
        .executableTarget(
            name: "triage-relay-proto",
            dependencies: [
                "TriageUpstream",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "bench/relay-proto",
            swiftSettings: strictSwift6
        ),
        // The dashboard's page, script and style sheet (Assets/), compiled into the binary.
        .target(
            name: "TriageDashboard",
            resources: [.embedInCode("Assets")],
            swiftSettings: strictSwift6
        ),
        // OpenTelemetry traces: the tracer built from routes.yaml's `telemetry`, W3C traceparent in and out,
        // a span per proxied request and per upstream attempt, exported over OTLP/HTTP.
        .target(
            name: "TriageTracing",
            dependencies: [
                "TriageConfig", "TriageLog",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // The PostgreSQL store shared by replicas: routing-log sink with a local spool, readers
        // (feedback lookup, report, export, tail), shared daily budgets, migrations.
        .target(
            name: "TriagePostgres",
            dependencies: [
                "TriageConfig", "TriageLog", "TriageJSON", "TriageFlywheel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        // The inbound OpenAI-compatible API on Hummingbird 2.
        .target(
            name: "TriageServer",
            dependencies: [
                "TriageConfig", "TriageRouting", "TriageUpstream", "TriageLog", "TriageJSON", "TriageSSE", "TriageAnthropic", "TriageResponses", "TriageMetrics", "TriageClassifier", "TriageFlywheel", "TriageJudge", "TriagePrivacy", "TriageDashboard", "TriageTracing", "TriagePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // Batch scoring for `triage score`: input lines (prompts, chats, routing log records) to
        // fit, complexity and decision JSON lines, streaming.
        .target(
            name: "TriageScoring",
            dependencies: ["TriageClassifier", "TriageConfig", "TriageFlywheel", "TriageJSON", "TriageLog", "TriagePrivacy"],
            swiftSettings: strictSwift6
        ),
        // `triage replay` (recorded requests re-decided under a candidate config) and `triage
        // calibrate` (min_fit / max_complexity for a target remote share or quality).
        .target(
            name: "TriageReplay",
            dependencies: ["TriageRouting", "TriageConfig", "TriageClassifier", "TriageFlywheel", "TriageLog", "TriageJSON"],
            swiftSettings: strictSwift6
        ),
        // `triage eval`: held-out data sent to a backend, answers scored against the references
        // (exact match, token F1, judge grades), resumable, with a pass/fail verdict.
        .target(
            name: "TriageEval",
            dependencies: ["TriageServer", "TriageConfig", "TriageFlywheel", "TriageJSON", "TriageLog", "TriageUpstream", "TriageHashing"],
            swiftSettings: strictSwift6
        ),
        // The thin command-line front end: serve, check, tail.
        .executableTarget(
            name: "triage",
            dependencies: [
                "TriageConfig", "TriageServer", "TriageLog", "TriageJSON", "TriageRouting", "TriageClassifier", "TriageFlywheel", "TriageScoring", "TriageReplay", "TriageEval", "TriageUpstream", "TriagePrivacy", "TriageDashboard", "TriagePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "TriageConfigTests", dependencies: ["TriageConfig"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageRoutingTests", dependencies: ["TriageRouting", "TriageConfig", "TriageTestSupport"], swiftSettings: strictSwift6),
        .testTarget(
            name: "TriageReplayTests",
            dependencies: ["TriageReplay", "TriageRouting", "TriageConfig", "TriageClassifier", "TriageFlywheel", "TriageLog", "TriageJSON"],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "TriageUpstreamTests", dependencies: ["TriageUpstream", "TriageTestSupport"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageClassifierTests", dependencies: ["TriageClassifier", "TriageHashing"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageFlywheelTests", dependencies: ["TriageFlywheel", "TriageLog", "TriageJSON", "TriageHashing", "TriageConfig"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageEvalTests", dependencies: ["TriageEval", "TriageJudge", "TriageLog", "TriageJSON", "TriageConfig"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageScoringTests", dependencies: ["TriageScoring", "TriageClassifier", "TriageJSON", "TriageLog"], swiftSettings: strictSwift6),
        .testTarget(name: "TriagePrivacyTests", dependencies: ["TriagePrivacy", "TriageConfig", "TriageJSON"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageJSONTests", dependencies: ["TriageJSON"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageMetricsTests", dependencies: ["TriageMetrics"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageAnthropicTests", dependencies: ["TriageAnthropic", "TriageJSON"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageResponsesTests", dependencies: ["TriageResponses", "TriageAnthropic", "TriageJSON", "TriageSSE"], swiftSettings: strictSwift6),
        .testTarget(name: "TriageSSETests", dependencies: ["TriageSSE"], swiftSettings: strictSwift6),
        .testTarget(
            name: "TriageServerTests",
            dependencies: [
                "TriageServer", "TriageConfig", "TriageJSON", "TriagePostgres", "TriageUpstream", "TriageLog", "TriageMetrics", "TriageSSE",
                "PostgresTestSupport", "TriageTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "TriageTracingTests",
            dependencies: ["TriageTracing", "TriageLog", "TriageConfig", .product(name: "InMemoryTracing", package: "swift-distributed-tracing")],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "TriageLogTests", dependencies: ["TriageLog", "TriageJSON", "TriageTestSupport"], swiftSettings: strictSwift6),
        // A throwaway PostgreSQL cluster for tests (initdb in a temporary directory, a free port).
        .target(name: "PostgresTestSupport", dependencies: ["TriageTestSupport"], path: "Tests/PostgresTestSupport", swiftSettings: strictSwift6),
        // Fixtures shared by test targets: a minimal routes.yaml, a free port.
        .target(name: "TriageTestSupport", path: "Tests/TriageTestSupport", swiftSettings: strictSwift6),
        .testTarget(
            name: "TriagePostgresTests",
            dependencies: ["TriagePostgres", "TriageLog", "TriageJSON", "TriageFlywheel", "TriageConfig", "PostgresTestSupport", "TriageTestSupport"],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "TriageIntegrationTests",
            dependencies: ["triage", "TriageLog", "TriageJSON", "TriageUpstream", "PostgresTestSupport", "TriageTestSupport"],
            swiftSettings: strictSwift6
        ),
    ]
)
