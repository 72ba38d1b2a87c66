namespace ConversationSender.Sandbox;

/// <summary>
/// What Sinch would know of one channel identity's consent: the last opt-out or opt-in keyword the recipient sent
/// (Sinch's consent management reads them), or the last OPT_OUT / OPT_IN notification the sandbox emitted. It is
/// not the product's suppression list: the page shows it beside the sends so a STOP / START flow can be followed.
/// </summary>
/// <param name="OptedOut">True after an opt-out keyword or a succeeded OPT_OUT; false after an opt-in.</param>
/// <param name="Source"><c>keyword</c> (the recipient's reply) or <c>opt_out_notification</c> / <c>opt_in_notification</c>.</param>
/// <param name="Detail">The keyword or the notification's status, with the webhook's answer (e.g. <c>STOP, webhook 200</c>).</param>
public sealed record ConsentState(string Channel, string Identity, bool OptedOut, DateTimeOffset Since, string Source, string Detail);
