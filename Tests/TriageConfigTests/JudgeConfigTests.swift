import Testing
import TriageConfig

@Suite struct JudgeConfigTests {
    private func parse(_ yaml: String) throws -> RoutesConfig {
        try ConfigLoader.parse(yaml: yaml, sourceName: "bad.yaml")
    }

    @Test("shadow.judge and eval parse, with defaults")
    func parsesJudgeAndEval() throws {
        let config = try parse(twoBackends + """
        shadow:
          rate: 0.1
          backend: remote
          judge: {backend: remote, rubric: correctness first, sample_rate: 0.5, daily_cap_usd: 2, prompt: prompts/judge.txt}
        eval: {threshold: 0.7, metric: judge}
        """)
        #expect(config.shadow?.judge == JudgeConfig(backend: "remote", rubric: "correctness first", sampleRate: 0.5, dailyCapUSD: 2, promptPath: "prompts/judge.txt"))
        #expect(config.eval == EvalConfig(threshold: 0.7, metric: .judge))
        let plain = try parse(twoBackends + "shadow: {rate: 0.1, backend: remote, judge: {backend: local, daily_cap_usd: 0}}\n")
        #expect(plain.shadow?.judge == JudgeConfig(backend: "local", sampleRate: 1, dailyCapUSD: 0))
        #expect(plain.eval == EvalConfig(threshold: nil, metric: .f1))
    }

    @Test("judge and eval mistakes name the line and field")
    func judgeErrors() {
        let shadow = "shadow:\n  rate: 0.1\n  backend: remote\n"
        #expect(errorText(twoBackends + shadow + "  judge: {backend: remote}\n") == "bad.yaml:13: shadow.judge: missing required field 'daily_cap_usd'")
        #expect(errorText(twoBackends + shadow + "  judge: {backend: nope, daily_cap_usd: 1}\n").hasPrefix("bad.yaml:13: shadow.judge.backend: "))
        #expect(errorText(twoBackends + shadow + "  judge: {backend: remote, daily_cap_usd: 1, sample_rate: 2}\n")
            == "bad.yaml:13: shadow.judge.sample_rate: must be between 0 and 1, got 2")
        #expect(errorText(twoBackends + shadow + "  judge: {backend: remote, daily_cap_usd: -1}\n")
            == "bad.yaml:13: shadow.judge.daily_cap_usd: must not be negative, got -1")
        #expect(errorText(twoBackends + shadow + "  judge: {backend: remote, daily_cap_usd: 1, rubrik: x}\n")
            .contains("shadow.judge.rubrik: unknown field 'rubrik' (known: backend, rubric, sample_rate, daily_cap_usd, prompt)"))
        #expect(errorText(twoBackends + "eval: {threshold: 1.5}\n") == "bad.yaml:10: eval.threshold: must be between 0 and 1, got 1.5")
        #expect(errorText(twoBackends + "eval: {metric: bleu}\n") == "bad.yaml:10: eval.metric: unknown metric 'bleu'; expected one of exact, f1, judge")
    }
}
