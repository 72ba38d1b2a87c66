// Every HTTP trigger speaks the same three namespaces; stated once here rather than at the top of each trigger.
global using ConversationSender.Functions.Http;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.Azure.Functions.Worker;
