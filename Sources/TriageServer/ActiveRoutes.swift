import Foundation
import Synchronization
import TriageClassifier
import TriageConfig
import TriageFlywheel
import TriageJudge
import TriagePrivacy
import TriageRouting

/// The configuration in force: the parsed routes, the router built from them, and each
/// backend's API key read from the environment variable its `api_key_env` names.
///
/// Keys are read once, when the configuration is activated, never from routes.yaml, and are
/// never part of any description, log line or error message.
///
/// A class, not a struct: every request takes a snapshot, and sharing one immutable object
/// costs a single retain where copying the whole configuration cost one per field.
final class ActiveRoutes: Sendable {
    let config: RoutesConfig
    let router: Router
    /// The classifier for `route: auto`, when `auto.remote` turns it on.
    let autoRouting: AutoRouting?
    /// Shadow sampling, when `shadow:` is set: the sampler (with its daily spend) and the backend.
    let shadow: (sampler: ShadowSampler, backend: BackendConfig)?
    /// The judge of shadow copies, when `shadow.judge` is set.
    let judge: ShadowJudge?
    /// Masks every key below (and credential-shaped text) in text bound for a client or a log.
    let redactor: SecretRedactor
    /// The sensitive data detectors and the policy of `privacy:`.
    let privacy: PrivacyGuard
    private let apiKeys: [String: String]
    private let clientKeys: Set<String>

    init(config: RoutesConfig, environment: [String: String]) throws(ActiveRoutesError) {
        self.config = config
        self.router = Router(config: config)
        self.privacy = PrivacyGuard(config: config.privacy)
        do throws(ClassifierLoadError) {
            self.autoRouting = try AutoRouting.load(config: config)
        } catch {
            throw .classifier(error)
        }
        do throws(JudgePromptError) {
            self.judge = try ShadowJudge.make(config: config, environment: environment)
        } catch {
            throw .judgePrompt(error)
        }
        if let shadow = config.shadow, let backend = config.backend(named: shadow.backend),
           let sampler = try? ShadowSampler(rate: shadow.rate, dailyCapUSD: shadow.dailyCapUSD) {
            self.shadow = (sampler, backend)
        } else {
            self.shadow = nil
        }
        var keys: [String: String] = [:]
        for backend in config.backends {
            if let variable = backend.apiKeyEnv, let key = environment[variable], !key.isEmpty {
                keys[backend.name] = key
            }
        }
        self.apiKeys = keys
        var accepted: Set<String> = []
        for variable in config.auth.clientKeysEnv {
            for key in (environment[variable] ?? "").split(separator: ",") {
                let trimmed = key.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { accepted.insert(trimmed) }
            }
        }
        self.clientKeys = accepted
        self.redactor = SecretRedactor(secrets: Array(keys.values) + Array(accepted))
    }

    /// Whether `key` is an accepted client key. Compares every accepted key in full, so the
    /// time taken does not reveal how much of a key was right.
    func acceptsClientKey(_ key: String) -> Bool {
        var matched = false
        for accepted in clientKeys where Self.constantTimeEqual(Array(accepted.utf8), Array(key.utf8)) {
            matched = true
        }
        return matched
    }

    /// Whether two byte strings are equal, in a time that depends only on their lengths, not on
    /// where they differ. The lengths are compared in full (not folded into a byte).
    static func constantTimeEqual(_ expected: [UInt8], _ presented: [UInt8]) -> Bool {
        var difference = UInt64(truncatingIfNeeded: expected.count ^ presented.count)
        for index in 0..<expected.count {
            difference |= UInt64(expected[index] ^ (index < presented.count ? presented[index] : 0))
        }
        return difference == 0
    }

    /// The API key for a backend; `nil` when it needs none or its variable is unset.
    func apiKey(for backend: String) -> String? { apiKeys[backend] }
}

/// Why a configuration could not be put in force.
enum ActiveRoutesError: Error, CustomStringConvertible {
    case classifier(ClassifierLoadError)
    case judgePrompt(JudgePromptError)

    var description: String {
        switch self {
        case .classifier(let error): return error.description
        case .judgePrompt(let error): return error.description
        }
    }
}

/// Holds the ``ActiveRoutes`` in force; each request takes a snapshot when it starts.
final class RoutesStore: Sendable {
    private let current: Mutex<ActiveRoutes>

    init(_ routes: ActiveRoutes) {
        self.current = Mutex(routes)
    }

    /// The configuration in force now.
    var snapshot: ActiveRoutes { current.withLock { $0 } }

    /// Puts a new configuration in force for requests that start from now on.
    func replace(with routes: ActiveRoutes) {
        current.withLock { $0 = routes }
    }
}
