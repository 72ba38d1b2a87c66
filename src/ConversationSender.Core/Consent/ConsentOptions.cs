using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Consent;

/// <summary>Bound from the <c>Consent</c> section: what is recognised as STOP / START / HELP, where the suppression list lives, what is replied.</summary>
public sealed class ConsentOptions
{
    public const string SectionName = "Consent";

    /// <summary>Keywords recognised, opt-outs recorded and every send checked. Off: none of it (the operator's own consent system decides).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The suppression list's table, in the send queue's storage account.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string TableName { get; set; } = "consent";

    /// <summary>
    /// Channels that share one phone number's opt-out: a STOP by SMS also stops MMS and RCS to that number.
    /// Empty: every channel on its own; add e.g. WHATSAPP to widen.
    /// </summary>
    public string SharedScopeChannels { get; set; } = "SMS,MMS,RCS";

    /// <summary>Reply to an opt-out or opt-in with the language's confirmation (off where Sinch's consent management or the carrier already replies).</summary>
    public bool SendConfirmations { get; set; } = true;

    /// <summary>
    /// Also confirm opt-outs and opt-ins that Sinch reports (OPT_OUT / OPT_IN callbacks). Off by default: those come from
    /// Sinch's own consent management or the channel, which tell the recipient themselves.
    /// </summary>
    public bool ConfirmSinchEvents { get; set; }

    /// <summary>Forward recognised keywords to the inbound queue (flagged with what was done), as other inbound messages are.</summary>
    public bool ForwardKeywords { get; set; } = true;

    /// <summary>At most this many entries in one bulk import request.</summary>
    [Range(1, 10_000)]
    public int MaxImportEntries { get; set; } = 1000;

    /// <summary>Keywords and replies per language (ISO 639-1 code). Settings merge into these defaults.</summary>
    public Dictionary<string, ConsentLanguage> Languages { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = new()
        {
            // The FCC's seven (47 CFR 64.1200(a)(10), FCC 24-24) plus Twilio's STOPALL and OPTOUT.
            OptOut = "STOP,STOPALL,QUIT,END,REVOKE,OPT OUT,OPTOUT,CANCEL,UNSUBSCRIBE",
            OptIn = "START,YES,UNSTOP,SUBSCRIBE",
            Help = "HELP,INFO",
            MarketingWords = "MARKETING,PROMOTIONS,PROMOS,OFFERS",
            NotificationWords = "NOTIFICATIONS,NOTIFICATION,ALERTS,REMINDERS",
            CourtesyWords = "PLEASE,PLS,PLZ,NOW,THANKS,THANK YOU",
            OptOutReply = "You are unsubscribed and will get no more messages from us. Reply START to subscribe again.",
            OptInReply = "You are subscribed again. Reply STOP to unsubscribe, HELP for help.",
            HelpReply = "Reply STOP to unsubscribe or START to subscribe again.",
        },
        ["es"] = new()
        {
            // Sinch's consent management defaults for Spanish.
            OptOut = "DETENER,SALIR",
            OptIn = "VOLVER,RECIBIR",
            Help = "AYUDA",
            MarketingWords = "PUBLICIDAD,PROMOCIONES",
            NotificationWords = "NOTIFICACIONES,ALERTAS",
            CourtesyWords = "POR FAVOR,GRACIAS,YA",
            OptOutReply = "Se ha dado de baja y no recibirá más mensajes nuestros. Responda VOLVER para suscribirse de nuevo.",
            OptInReply = "Se ha suscrito de nuevo. Responda DETENER para darse de baja.",
            HelpReply = "Responda DETENER para darse de baja o VOLVER para suscribirse de nuevo.",
        },
        ["pt"] = new()
        {
            // Sinch's consent management defaults for Portuguese.
            OptOut = "PARAR,CANCELAR",
            OptIn = "VOLTAR,RECEBER",
            Help = "AJUDA",
            MarketingWords = "PUBLICIDADE,PROMOCOES",
            NotificationWords = "NOTIFICACOES,ALERTAS",
            CourtesyWords = "POR FAVOR,OBRIGADO,OBRIGADA,JA",
            OptOutReply = "Você cancelou a inscrição e não receberá mais mensagens nossas. Responda VOLTAR para se inscrever de novo.",
            OptInReply = "Você se inscreveu de novo. Responda PARAR para cancelar.",
            HelpReply = "Responda PARAR para cancelar ou VOLTAR para se inscrever de novo.",
        },
        ["fr"] = new()
        {
            // Matched without accents: ARRÊT and ARRET are the same keyword.
            OptOut = "ARRET",
            Help = "AIDE",
            CourtesyWords = "SVP,S'IL VOUS PLAIT,MERCI",
            OptOutReply = "Vous êtes désabonné et ne recevrez plus de messages de notre part.",
            HelpReply = "Répondez ARRET pour vous désabonner.",
        },
    };

    /// <summary>The language whose replies answer when a keyword's own language has none.</summary>
    [Required]
    public string DefaultLanguage { get; set; } = "en";

    public bool SharesScope(string channel) =>
        SharedScopeChannels.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(channel, StringComparer.OrdinalIgnoreCase);

    /// <summary>The language's reply, falling back to the default language's; null when neither has one.</summary>
    public string? Reply(string language, KeywordAction action)
    {
        foreach (var code in new[] { language, DefaultLanguage })
        {
            if (Languages.TryGetValue(code, out var texts) && (action switch
            {
                KeywordAction.OptOut => texts.OptOutReply,
                KeywordAction.OptIn => texts.OptInReply,
                _ => texts.HelpReply,
            }) is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }
}
