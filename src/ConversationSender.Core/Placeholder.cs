namespace ConversationSender; internal static class Placeholder { }
