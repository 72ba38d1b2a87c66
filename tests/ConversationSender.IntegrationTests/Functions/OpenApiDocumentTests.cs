using System.Text.Json.Nodes;
using ConversationSender.Contract;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Validation;
using Json.Schema;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace ConversationSender.IntegrationTests.Functions;

/// <summary>The OpenAPI document is well formed, served as committed, and agrees with the validator on examples.</summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string DocumentPath = RepositoryRoot.File("src", "ConversationSender.Functions", "openapi.json");

    /// <summary>What <c>GET /api/openapi.json</c> answers: the committed document with the contract's limits filled in.</summary>
    private static readonly Lazy<string> ServedDocument = new(() =>
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Response.Body = new MemoryStream();
        new OpenApiDocumentFunction().Run(context.Request).ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor())).GetAwaiter().GetResult();
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        return System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
    });

    private static readonly Lazy<JsonSchema> MessageSchema = new(() =>
    {
        // The component schemas as one JSON Schema 2020-12 document, the dialect OpenAPI 3.1 uses.
        var schemas = JsonNode.Parse(ServedDocument.Value)!["components"]!["schemas"]!.ToJsonString()
            .Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://conversation-sender.invalid/openapi-schemas",
            ["$ref"] = "#/$defs/OutboundMessage",
            ["$defs"] = JsonNode.Parse(schemas),
        };
        return JsonSchema.FromText(root.ToJsonString());
    });

    /// <summary>Keyed by document and line: two identical bodies in different places are two rows, never one.</summary>
    public static TheoryData<string, string> ValidExamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in ReadmeExamples.MessageExamples.Concat(ReadmeExamples.CurlBodies.Where(b => !ReadmeExamples.IsTheBadRequestExample(b))))
        {
            data.Add(example.ToString(), example.Json);
        }

        return data;
    }

    [Fact]
    public void The_document_is_valid_openapi_3_1_with_a_function_key()
    {
        var result = OpenApiDocument.Parse(ServedDocument.Value, "json");

        Assert.Empty(result.Diagnostic!.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        var send = result.Document!.Paths["/messages"].Operations![HttpMethod.Post];
        Assert.Equal(["200", "202", "400", "401", "409", "413", "415", "422", "429", "502", "503"], send.Responses!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["/dead-letters/replay", "/messages", "/messages/batch", "/messages/{id}", "/openapi.json", "/optouts", "/optouts/import", "/optouts/lookup", "/optouts/remove", "/sinch/events"], result.Document.Paths.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("functionKeyHeader", result.Document.Components!.SecuritySchemes!.Keys);
    }

    /// <summary>Every HTTP trigger's route and method is an operation of the document, and nothing else is.</summary>
    [Fact]
    public void Every_http_trigger_is_documented_with_its_method()
    {
        var triggers = typeof(OpenApiDocumentFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false).OfType<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().SingleOrDefault()))
            .OfType<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>()
            .SelectMany(t => t.Methods!.Select(method => $"{method.ToUpperInvariant()} /{t.Route}"));
        var document = OpenApiDocument.Parse(ServedDocument.Value, "json").Document!;
        var operations = document.Paths.SelectMany(p => p.Value.Operations!.Keys.Select(method => $"{method.Method} {p.Key}"));

        Assert.Equal(triggers.Order(StringComparer.Ordinal), operations.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_opt_out_refusal_and_its_status_are_documented()
    {
        var document = JsonNode.Parse(ServedDocument.Value)!;
        var schemas = document["components"]!["schemas"]!;

        Assert.Contains("recipient-opted-out", (string)document["paths"]!["/messages"]!["post"]!["responses"]!["422"]!["description"]!, StringComparison.Ordinal);
        Assert.Contains("recipient-opted-out", (string)schemas["Problem"]!["properties"]!["type"]!["description"]!, StringComparison.Ordinal);
        Assert.EndsWith(":recipient-opted-out", ConversationSender.Functions.Http.ProblemTypes.RecipientOptedOut, StringComparison.Ordinal);
        Assert.Contains(ConversationSender.Tracking.DeliveryStatusStore.Suppressed, (string)schemas["MessageStatus"]!["properties"]!["status"]!["description"]!, StringComparison.Ordinal);
        Expect.All(["/optouts", "/optouts/lookup", "/optouts/remove", "/optouts/import"],
            path => Assert.Equal("functionKeyHeader", document["paths"]![path]!["post"]!["security"]![0]!.AsObject().Single().Key));
    }

    [Fact]
    public void The_function_serves_the_committed_document_with_the_contracts_limits()
    {
        var committed = JsonNode.Parse(File.ReadAllText(DocumentPath))!;
        var served = JsonNode.Parse(ServedDocument.Value)!;
        var message = served["components"]!["schemas"]!["OutboundMessage"]!["properties"]!;

        Assert.Equal(committed["paths"]!.AsObject().Select(p => p.Key), served["paths"]!.AsObject().Select(p => p.Key));
        Assert.Equal(MessageContract.MessageMetadataMaxLength, (int)message["message_metadata"]!["maxLength"]!);
        Assert.Equal(MessageContract.Queues, message["queue"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(MessageContract.TtlMaxSeconds, (long)served["components"]!["schemas"]!["Ttl"]!["oneOf"]![0]!["maximum"]!);
        Assert.DoesNotContain("{", (string)message["send_at"]!["description"]!, StringComparison.Ordinal);
    }

    /// <summary>A limit stated once: the committed document holds none of the contract's figures or value lists.</summary>
    [Fact]
    public void The_committed_document_leaves_every_contract_limit_to_the_contract()
    {
        var committed = File.ReadAllText(DocumentPath);
        object[] figures =
        [
            MessageContract.MessageMetadataMaxLength, MessageContract.ConversationMetadataMaxLength, MessageContract.CorrelationIdMaxLength,
            MessageContract.TtlMaxSeconds, .. MessageContract.TextLimitByChannel.Values.Cast<object>(),
            $"\"maxLength\": {MessageContract.IdempotencyKeyMaxLength}", $"\"maxItems\": {MessageContract.MaxChannels}", $"\"maxItems\": {MessageContract.CarouselChoicesMax}",
            $"{MessageContract.SendAtMaxAhead.TotalDays} days", .. MessageContract.Queues, .. MessageContract.AgentTypes, .. MessageContract.CardHeights, "KAKAOTALKCHAT",
        ];

        Expect.All(figures, figure => Assert.DoesNotContain(Convert.ToString(figure, System.Globalization.CultureInfo.InvariantCulture)!, committed, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Readme_examples_satisfy_the_schema_and_the_validator(string where, string example)
    {
        var evaluation = MessageSchema.Value.Evaluate(JsonNode.Parse(example), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(evaluation.IsValid, $"{where}: {Describe(evaluation)}");
        Assert.True(OutboundMessageReader.TryRead(BinaryData.FromString(example), out var message, out var error), $"{where}: {error}");
        Assert.True(OutboundMessageValidator.Validate(message!).IsValid, $"{where}: the validator refuses it");
    }

    [Fact]
    public void The_readme_has_examples_to_check()
    {
        Assert.True(ReadmeExamples.Messages.Count >= 12 && ReadmeExamples.CurlBodies.Count >= 2);

        // Every row of the theory is its own test: none was folded into another because two bodies are alike.
        var rows = ValidExamples().Select(row => (string)row[0]).ToList();
        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.Equal(ReadmeExamples.MessageExamples.Count + ReadmeExamples.CurlBodies.Count - 1, rows.Count);
    }

    [Fact]
    public void Each_curl_body_comes_from_its_own_command()
    {
        // A body is JSON that starts and ends inside its command's -d '…', never text up to a later command's quote.
        Expect.All(ReadmeExamples.CurlBodies, body => Assert.NotNull(JsonNode.Parse(body.Json)));
        Expect.All(ReadmeExamples.CurlBodies, body => Assert.DoesNotContain("curl ", body.Json, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "to": { "channel": "SMS", "identity": "1" }, "text": "hi", "recipient": { "contact_id": "c" } }""")]
    [InlineData("""{ "to": { "channel": "SMSS", "identity": "1" }, "text": "hi" }""")]
    [InlineData("""{ "to": { "channel": "SMS", "identity": "1" }, "text": "hi", "app_id": "x" }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" }, "media_message": { "url": "https://x" } } }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "agent": { "display_name": "A", "type": "BOT" } } }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "media_message": { "url": "x.png" } } }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "choice_message": { "choices": [] } } }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "location_message": { "title": "t", "coordinates": { "latitude": 91, "longitude": 0 } } } }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" } }, "ttl": 2 }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" } }, "queue": "NORMAL" }""")]
    [InlineData("""{ "recipient": { "contact_id": "c" }, "message": { "template_message": {} } }""")]
    [InlineData("""{ "recipient": { "identified_by": { "channel_identities": [] } }, "message": { "text_message": { "text": "a" } } }""")]
    public void Invalid_messages_fail_both_the_schema_and_the_validator(string example)
    {
        var evaluation = MessageSchema.Value.Evaluate(JsonNode.Parse(example));
        Assert.False(evaluation.IsValid, "the schema accepted it");

        Assert.True(OutboundMessageReader.TryRead(BinaryData.FromString(example), out var message, out _));
        Assert.False(OutboundMessageValidator.Validate(message!).IsValid, "the validator accepted it");
    }

    /// <summary>
    /// The contract lives in two places, the document and the validator; they agree on every case of the invalid-input
    /// table (both refuse) and on a valid message for every channel (both accept). Rules a JSON Schema cannot state
    /// (a text's length per channel) are the validator's alone,
    /// listed here by path with that reason, so the exceptions are few and visible.
    /// </summary>
    [Fact]
    public void The_document_and_the_validator_agree_on_the_whole_invalid_table_and_on_every_channel()
    {
        string[] validatorOnly =
        [
            "text", "message.text_message.text", // a text's limit depends on the channels it may travel on
            "conversation_metadata", // at most 2,048 characters of JSON: a size of the serialized object
            "message.choice_message.choices[0].calendar_message.event_start", // "format": "date-time" is an annotation in 2020-12, not asserted
        ];
        var disagreements = new List<string>();
        foreach (var (json, path) in InvalidMessageTable.Cases())
        {
            var schemaRefuses = ParsedOrNull(json) is not { } node || !MessageSchema.Value.Evaluate(node).IsValid; // not JSON: refused by both
            var validatorRefuses = !OutboundMessageReader.TryRead(BinaryData.FromString(json), out var message, out _) || !OutboundMessageValidator.Validate(message!).IsValid;
            if (!validatorRefuses || (!schemaRefuses && !validatorOnly.Contains(path)))
            {
                disagreements.Add($"{path}: schema {(schemaRefuses ? "refuses" : "accepts")}, validator {(validatorRefuses ? "refuses" : "accepts")}: {json[..Math.Min(160, json.Length)]}");
            }
        }

        foreach (var channel in ConversationChannels.All)
        {
            var json = $$"""{ "to": { "channel": "{{channel}}", "identity": "46701234567" }, "text": "Your code is 123456" }""";
            var schemaAccepts = MessageSchema.Value.Evaluate(JsonNode.Parse(json)).IsValid;
            var validatorAccepts = OutboundMessageReader.TryRead(BinaryData.FromString(json), out var message, out _) && OutboundMessageValidator.Validate(message!).IsValid;
            if (!schemaAccepts || !validatorAccepts)
            {
                disagreements.Add($"{channel}: schema {(schemaAccepts ? "accepts" : "refuses")}, validator {(validatorAccepts ? "accepts" : "refuses")}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    private static JsonNode? ParsedOrNull(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [Fact]
    public void The_readmes_bad_request_example_fails_both_as_shown()
    {
        var example = Assert.Single(ReadmeExamples.CurlBodies, ReadmeExamples.IsTheBadRequestExample).Json;

        Assert.False(MessageSchema.Value.Evaluate(JsonNode.Parse(example)).IsValid);
        Assert.True(OutboundMessageReader.TryRead(BinaryData.FromString(example), out var message, out _));
        var errors = OutboundMessageValidator.Validate(message!).Errors;
        Assert.Equal(["text", "to.channel"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Expect.All(errors, e => Assert.Contains(e.Message, ReadmeExamples.AllText, StringComparison.Ordinal));
    }

    [Fact]
    public void The_schema_names_every_message_kind_and_channel()
    {
        var schemas = JsonNode.Parse(ServedDocument.Value)!["components"]!["schemas"]!;
        var kinds = schemas["AppMessage"]!["properties"]!.AsObject().Select(p => p.Key);
        var channels = schemas["Channel"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>());

        Assert.Equal(MessageContract.ContentKinds.Concat(MessageContract.OverrideKinds).Order(StringComparer.Ordinal), kinds.Order(StringComparer.Ordinal));
        Assert.Equal(ConversationChannels.All, channels);
    }

    private static string Describe(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
}
