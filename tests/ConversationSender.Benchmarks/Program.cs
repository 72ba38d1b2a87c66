using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ConversationSender.Benchmarks.SendPathBenchmarks).Assembly).Run(args);
