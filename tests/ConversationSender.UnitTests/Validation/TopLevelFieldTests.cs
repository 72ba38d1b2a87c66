using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>The fields beside recipient and message: keys, tracing, Sinch's own ids, callbacks and channel names.</summary>
public sealed class TopLevelFieldTests
{
    private const string Short = """ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi" """;

    [Theory]
    [InlineData("\"order-1\"", true)]
    [InlineData("\"\"", false)]
    [InlineData("\"   \"", false)]
    [InlineData("\"a\\u0007b\"", false)]
    [InlineData("\"a\\nb\"", false)]
    public void An_idempotency_key_is_printable_and_not_blank(string key, bool accepted)
    {
        var result = Validate($$"""{ {{Short}}, "idempotency_key": {{key}} }""");

        Assert.Equal(accepted, result.IsValid);
        if (!accepted)
        {
            Assert.Equal(new FieldError("idempotency_key", "must be 1-200 printable characters"), Assert.Single(result.Errors));
        }
    }

    [Fact]
    public void A_key_from_a_header_is_reported_under_the_header()
    {
        var errors = new FieldErrors();

        OutboundMessageValidator.ValidateIdempotencyKey(new string('k', 201), errors, "Idempotency-Key");
        OutboundMessageValidator.ValidateIdempotencyKey(null, errors, "Idempotency-Key");

        Assert.Equal("Idempotency-Key", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331", false)]
    [InlineData("not a traceparent", false)]
    public void A_traceparent_is_a_w3c_trace_context(string traceparent, bool accepted)
    {
        var result = Validate($$"""{ {{Short}}, "traceparent": "{{traceparent}}" }""");

        Assert.Equal(accepted, result.IsValid);
        Assert.All(result.Errors, e => Assert.Equal("traceparent", e.Field));
    }

    [Theory]
    [InlineData("app_id")]
    [InlineData("project_id")]
    public void Sinchs_own_ids_are_refused_with_the_reason(string field)
    {
        var result = Validate($$"""{ {{Short}}, "{{field}}": "01APP" }""");

        Assert.Equal(new FieldError(field, "is filled in by the service from its Sinch credentials; remove it"), Assert.Single(result.Errors));
    }

    [Fact]
    public void Unknown_top_level_fields_are_each_named()
    {
        var result = Validate($$"""{ {{Short}}, "prority": 1, "callbackUrl": "https://x" }""");

        Assert.Equal(["callbackUrl", "prority"], result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal("unknown field", e.Message));
    }

    [Theory]
    [InlineData("https://example.com/cb", true)]
    [InlineData("http://localhost:7071/cb", true)]
    [InlineData("HTTPS://EXAMPLE.COM/CB", true)]
    [InlineData("ftp://example.com/cb", false)]
    [InlineData("example.com/cb", false)]
    [InlineData("file:///etc/passwd", false)]
    public void A_callback_url_is_an_absolute_http_url(string url, bool accepted)
    {
        var result = Validate($$"""{ {{Short}}, "callback_url": "{{url}}" }""");

        Assert.Equal(accepted, result.IsValid);
        Assert.Equal(accepted ? url : null, result.Request?.CallbackUrl);
        Assert.All(result.Errors, e => Assert.Equal(new FieldError("callback_url", "must be an absolute http(s) URL"), e));
    }

    [Theory]
    [InlineData("sms", "SMS")]
    [InlineData(" WhatsApp ", "WHATSAPP")]
    [InlineData("viberbm", "VIBERBM")]
    [InlineData("SMSS", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Channel_names_are_normalised_to_sinchs_spelling(string? given, string? known) =>
        Assert.Equal(known, ConversationChannels.Normalize(given));

    [Fact]
    public void An_unknown_enum_value_is_echoed_only_in_part()
    {
        var result = Validate($$"""{ {{Short}}, "queue": "{{new string('Q', 500)}}" }""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("queue", error.Field);
        Assert.Contains($"'{new string('Q', 32)}…'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('Q', 33), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_reach_the_request_as_given()
    {
        var result = Validate($$"""
            { {{Short}}, "queue": "HIGH_PRIORITY", "processing_strategy": "DISPATCH_ONLY", "correlation_id": "c-1",
              "message_metadata": "m", "conversation_metadata": { "order": 7 }, "conversation_metadata_update_strategy": "MERGE_PATCH",
              "message_content_type": "CONTENT_MARKETING", "ttl": "60 s" }
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var request = result.Request!;
        Assert.Equal(
            ("HIGH_PRIORITY", "DISPATCH_ONLY", "c-1", "m", "MERGE_PATCH", "CONTENT_MARKETING", "60s"),
            (request.Queue, request.ProcessingStrategy, request.CorrelationId, request.MessageMetadata, request.ConversationMetadataUpdateStrategy, request.MessageContentType, request.Ttl));
        Assert.Equal(7, request.ConversationMetadata!.Value.GetProperty("order").GetInt32());
    }

    private static MessageValidationResult Validate(string json) => OutboundMessageValidator.Validate(BinaryData.FromString(json), out _);
}
