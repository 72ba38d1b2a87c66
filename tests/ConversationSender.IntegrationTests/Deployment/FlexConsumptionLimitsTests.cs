using System.Globalization;
using System.Text.Json.Nodes;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// The compiled template's defaults, and its parameter bounds, sit inside what Flex Consumption accepts, so that
/// `azd up` with no settings deploys in every region the template allows. The limits, from Microsoft Learn:
/// maximumInstanceCount 40 to 1,000 (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations,
/// "Scale"), instance memory 512, 2,048 or 4,096 MB (…/flex-consumption-plan#instance-memory), HTTP per-instance
/// concurrency 1 to 1,000 (https://learn.microsoft.com/azure/azure-functions/functions-concurrency#http-trigger-concurrency).
/// </summary>
public sealed class FlexConsumptionLimitsTests
{
    private const long LowestMaximumInstanceCount = 40;
    private const long HighestMaximumInstanceCount = 1000;
    private static readonly long[] InstanceMemorySizes = [512, 2048, 4096];

    [Fact]
    public async Task The_default_scale_settings_are_ones_flex_consumption_accepts()
    {
        var compiled = await CompiledInfra.MainAsync();
        var main = new ArmTemplate(compiled, new Dictionary<string, object?> { ["environmentName"] = "limits", ["location"] = "swedencentral" }, v => v.ToString());
        var app = main.Module("app");
        var site = (Dictionary<string, object?>)app.Evaluate(app.Resource("Microsoft.Web/sites")["properties"])!;
        var scale = (Dictionary<string, object?>)((Dictionary<string, object?>)site["functionAppConfig"]!)["scaleAndConcurrency"]!;
        var http = (Dictionary<string, object?>)((Dictionary<string, object?>)scale["triggers"]!)["http"]!;

        Assert.InRange((long)scale["maximumInstanceCount"]!, LowestMaximumInstanceCount, HighestMaximumInstanceCount);
        Assert.Equal(40L, (long)scale["maximumInstanceCount"]!);
        Assert.Contains((long)scale["instanceMemoryMB"]!, InstanceMemorySizes);
        Assert.InRange((long)http["perInstanceConcurrency"]!, 1L, 1000L);
        Assert.Equal("${MAXIMUM_INSTANCE_COUNT=40}", Parameters()["maximumInstanceCount"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_parameters_refuse_what_flex_consumption_would_refuse()
    {
        var parameters = (await CompiledInfra.MainAsync())["parameters"]!;

        Assert.Equal(LowestMaximumInstanceCount, parameters["maximumInstanceCount"]!["minValue"]!.GetValue<long>());
        Assert.Equal(HighestMaximumInstanceCount, parameters["maximumInstanceCount"]!["maxValue"]!.GetValue<long>());
        Assert.Equal(InstanceMemorySizes, parameters["instanceMemoryMB"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<long>()));
        Assert.Equal(1, parameters["httpPerInstanceConcurrency"]!["minValue"]!.GetValue<long>());
        Assert.Equal(1000, parameters["httpPerInstanceConcurrency"]!["maxValue"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(40, 750)]
    [InlineData(41, 750)]
    [InlineData(100, 750)]
    [InlineData(749, 750)]
    [InlineData(999, 750)]
    [InlineData(1000, 750)]
    [InlineData(1000, 800)]
    [InlineData(40, 1)]
    public async Task Both_sending_groups_at_full_scale_stay_under_the_budget_and_close_to_it(int instances, int budget)
    {
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?>
        {
            ["environmentName"] = "rate",
            ["location"] = "swedencentral",
            ["maximumInstanceCount"] = (long)instances,
            ["sinchRequestsPerSecondBudget"] = (long)budget,
        }, v => v.ToString());
        var app = main.Module("app");
        var settings = (Dictionary<string, object?>)app.Evaluate(app.Resource("Microsoft.Web/sites/config")["properties"])!;
        var perInstance = double.Parse((string)settings["Sinch__MaxSendsPerSecond"]!, CultureInfo.InvariantCulture);

        // Flex scales per function group: the HTTP functions and the queue trigger may each reach the maximum, and both send.
        var senders = 2 * instances;
        Assert.Equal(2L, main.Variable("sendingFunctionGroups"));
        Assert.True(perInstance > 0, $"{instances} instances get no sends at all");
        Assert.True(senders * perInstance <= budget, $"{senders} sending instances × {perInstance}/s exceed {budget}/s");
        Assert.True(senders * perInstance >= budget * 0.99 - senders * 0.001, $"{senders} sending instances × {perInstance}/s waste the budget of {budget}/s");
    }

    [Fact]
    public async Task The_default_rate_is_the_budget_shared_by_two_groups_of_forty()
    {
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?> { ["environmentName"] = "rate", ["location"] = "swedencentral" }, v => v.ToString());

        Assert.Equal("9.375", main.Output("SINCH_MAX_SENDS_PER_SECOND"));
    }

    private static JsonObject Parameters() =>
        JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("infra", "main.parameters.json")))!["parameters"]!.AsObject();
}
