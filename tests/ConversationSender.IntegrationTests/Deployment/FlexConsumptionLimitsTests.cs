using System.Globalization;
using System.Text.Json.Nodes;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.RateLimiting;
using Microsoft.Extensions.Configuration;

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
    [InlineData(1000, 750)]
    [InlineData(40, 1)]
    [InlineData(1000, 800)]
    public async Task The_app_gets_the_fleet_budget_itself_and_the_plans_instance_count_for_the_fallback(int instances, int budget)
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

        // Nothing per instance: the instances share the budget at run time (blob leases), whatever their number.
        Assert.Equal(budget.ToString(CultureInfo.InvariantCulture), settings["Sinch__RequestsPerSecondBudget"]);
        Assert.Equal(instances.ToString(CultureInfo.InvariantCulture), settings["Sinch__RateBudgetMaxInstances"]);
        Assert.DoesNotContain(settings.Keys, k => k.Contains("MaxSendsPerSecond", StringComparison.Ordinal));

        // The fallback's static share, as the app computes it from these settings, keeps both groups at full scale within the budget.
        var options = new RateBudgetOptions { RequestsPerSecondBudget = budget, RateBudgetMaxInstances = instances };
        Assert.True(2 * instances * options.StaticShare <= budget * 1.000001, $"{2 * instances} × {options.StaticShare}/s exceed {budget}/s");
    }

    [Theory]
    [InlineData(40, 100)]
    [InlineData(50, 100)]
    [InlineData(51, 102)]
    [InlineData(1000, 2000)]
    public async Task Every_instance_both_groups_may_run_gets_a_partition_and_the_app_accepts_the_settings(int instances, int partitions)
    {
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?>
        {
            ["environmentName"] = "rate",
            ["location"] = "swedencentral",
            ["maximumInstanceCount"] = (long)instances,
        }, v => v.ToString());
        var app = main.Module("app");
        var settings = (Dictionary<string, object?>)app.Evaluate(app.Resource("Microsoft.Web/sites/config")["properties"])!;

        Assert.Equal(partitions.ToString(CultureInfo.InvariantCulture), settings["Sinch__RateBudgetPartitions"]);

        // The app's own start-up validation, over the settings as the template writes them.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Where(s => s.Key.StartsWith("Sinch__", StringComparison.Ordinal)).Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value?.ToString())))
            .Build();
        var options = new RateBudgetOptions();
        configuration.GetSection(RateBudgetOptions.SectionName).Bind(options);
        Assert.Equal(instances, options.RateBudgetMaxInstances);
        Assert.True(new RateBudgetOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task The_default_budget_is_750_for_the_whole_fleet()
    {
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?> { ["environmentName"] = "rate", ["location"] = "swedencentral" }, v => v.ToString());

        Assert.Equal(750L, main.Output("SINCH_REQUESTS_PER_SECOND_BUDGET"));
    }

    private static JsonObject Parameters() =>
        JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("infra", "main.parameters.json")))!["parameters"]!.AsObject();
}
