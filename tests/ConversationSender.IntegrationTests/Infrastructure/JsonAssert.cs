using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Infrastructure;

internal static class JsonAssert
{
    /// <summary>Same JSON document (property order and whitespace aside).</summary>
    public static void Equal(string expected, string actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"Expected:\n{expectedNode}\nActual:\n{actualNode}");
    }
}
