using ConversationSender.Sandbox;

// dotnet run --project src/ConversationSender.Sandbox [-- --urls http://127.0.0.1:5180 --Sandbox:WebhookUrl http://…]
await using var sandbox = await SinchSandbox.StartAsync(args);
Console.WriteLine($"Sinch sandbox: page and Conversation API at {sandbox.BaseUrl} (key '{sandbox.Options.KeyId}'). Ctrl+C to stop.");
await sandbox.WaitForShutdownAsync();
