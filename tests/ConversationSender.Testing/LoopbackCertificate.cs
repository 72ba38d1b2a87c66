using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ConversationSender.Testing;

/// <summary>
/// A self-signed server certificate for one local HTTPS stand-in (Key Vault, Azurite with OAuth, the telemetry
/// ingestion), and the client handler that trusts exactly that certificate and connects only to 127.0.0.1.
/// </summary>
public sealed class LoopbackCertificate : IDisposable
{
    private LoopbackCertificate(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public static LoopbackCertificate Create(string hostName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Re-imported from PKCS#12 so that Kestrel gets a certificate with a usable private key on every platform.
        return new LoopbackCertificate(X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null));
    }

    /// <summary>Writes the certificate and its key as PEM files (for servers outside .NET, like Azurite).</summary>
    public (string CertificatePath, string KeyPath) WritePem(string folder)
    {
        var certificatePath = Path.Combine(folder, "loopback-cert.pem");
        var keyPath = Path.Combine(folder, "loopback-key.pem");
        File.WriteAllText(certificatePath, Certificate.ExportCertificatePem());
        using var key = Certificate.GetRSAPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>
    /// Trusts this certificate only, and connects every request to 127.0.0.1 (on <paramref name="port"/>, or the URL's
    /// port), so that a stand-in can carry a real-looking host name while no traffic leaves the machine.
    /// </summary>
    public HttpMessageHandler CreateTrustingHandler(int? port = null) => new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == Certificate.GetCertHashString() },
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port ?? context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public void Dispose() => Certificate.Dispose();
}
