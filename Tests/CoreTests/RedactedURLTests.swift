import Core
import Testing

@Suite("URLs in messages")
struct RedactedURLTests {
    @Test(arguments: [
        ("http://user:s3cret@127.0.0.1:9100/metrics", "http://user:***@127.0.0.1:9100/metrics"),
        ("https://u:p@w@host/x?a=b@c", "https://u:***@host/x?a=b@c"),
        ("http://user@host/metrics", "http://user@host/metrics"),
        ("http://host:9100/metrics?next=a:b@c", "http://host:9100/metrics?next=a:b@c"),
        ("/var/lib/metrics.txt", "/var/lib/metrics.txt"),
    ])
    func passwordsAreNeverShown(_ url: String, _ expected: String) {
        #expect(RedactedURL.text(url) == expected)
    }
}
