using ConversationSender.Conformance;

// The two-way check of issue 29 on Sinch's SDK fixtures: every body Sinch accepts is accepted by the product and
// forwarded unchanged; every body Sinch refuses is refused by the sandbox's first stage.
if (args.Length != 1 || !File.Exists(args[0]))
{
    await Console.Error.WriteLineAsync("usage: ConversationSender.Conformance <path of sinch-sdk-fixtures.json>");
    return 2;
}

var fixtures = SdkFixture.Load(args[0]);
await using var run = await ConformanceRun.StartAsync();
var (passed, failed) = (0, 0);
foreach (var fixture in fixtures)
{
    var result = await run.CheckAsync(fixture);
    Console.WriteLine(result);
    (passed, failed) = result.Passed ? (passed + 1, failed) : (passed, failed + 1);
}

Console.WriteLine($"{passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;
