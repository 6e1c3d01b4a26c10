import ArgumentParser

/// The `triage` command: a routing proxy between apps and model backends.
struct Triage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "A query router proxy: routine prompts to a local fine-tuned model, edge cases to a remote large model.",
        discussion: """
        Point an OpenAI client at Triage; rules in routes.yaml decide where each request goes, \
        and every request/response pair is appended to the routing log.

        Examples:
          triage serve --config routes.yaml
          triage check routes.yaml
          triage tail --follow --backend remote
          triage explain "Prove that there are infinitely many primes"
          triage score prompts.jsonl > scores.jsonl
          triage train --labels labels.jsonl
          triage replay --config candidate.yaml
          triage calibrate --quality 0.95
        """,
        version: "0.1.0",
        subcommands: [Serve.self, Check.self, Tail.self, Explain.self, Score.self, Train.self, Export.self, ReportCommand.self, Replay.self, Calibrate.self, Eval.self, MigrateLog.self]
    )
}
