import TriageConfig
import TriagePostgres

/// The shadow daily cap shared by replicas (`log.sink: postgres`): one atomic counter row per
/// UTC day and backend. Without the database each replica keeps its own (``ShadowSampler``).
extension RequestRecorder {
    /// Reserves `estimate` USD of today's shared shadow cap for `backend`; true without a shared
    /// database or a cap. A database that cannot be asked refuses (spend stays within the cap).
    func reserveSharedShadow(backend: String, estimate: Double, cap: Double?) async -> Bool {
        guard let database, let cap else { return true }
        return (try? await database.budget.reserve(ReplicaDatabase.shadowBudget, backend: backend, amount: estimate, cap: cap)) ?? false
    }

    /// Replaces the reservation by the actual cost in the shared counter.
    func settleSharedShadow(backend: String, estimate: Double, actual: Double, cap: Double?) async {
        guard let database, cap != nil else { return }
        try? await database.budget.adjust(ReplicaDatabase.shadowBudget, backend: backend, delta: actual - max(0, estimate))
    }
}
