using ConversationSender.RateLimiting;

namespace ConversationSender.UnitTests.RateLimiting;

public sealed class RateBudgetOptionsValidatorTests
{
    private readonly RateBudgetOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_give_every_possible_instance_a_partition()
    {
        // 40 instances × 2 sending groups = 80 ≤ 100 partitions.
        Assert.True(_validator.Validate(null, new RateBudgetOptions()).Succeeded);
    }

    [Theory]
    [InlineData(51, 2, 100)]
    [InlineData(1000, 2, 1999)]
    [InlineData(101, 1, 100)]
    public void More_possible_instances_than_partitions_stop_the_app_naming_the_settings(int instances, int groups, int partitions)
    {
        var result = _validator.Validate(null, new RateBudgetOptions { RateBudgetMaxInstances = instances, RateBudgetSendingGroups = groups, RateBudgetPartitions = partitions });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Sinch:RateBudgetPartitions", failure, StringComparison.Ordinal);
        Assert.Contains($"{instances} × {groups}", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, 2, 100)]
    [InlineData(1000, 2, 2000)]
    public void Exactly_one_partition_per_possible_instance_is_enough(int instances, int groups, int partitions)
    {
        Assert.True(_validator.Validate(null, new RateBudgetOptions { RateBudgetMaxInstances = instances, RateBudgetSendingGroups = groups, RateBudgetPartitions = partitions }).Succeeded);
    }
}
