import AsyncHTTPClient
import Foundation
import NIOCore
import SLOEngine

/// Prometheus' HTTP API, as the tests that compare with it read it.
enum PrometheusAPI {
    /// `data.result` of `GET /api/v1/<endpoint>?query=<promql>&<parameters>` on 127.0.0.1:`port`.
    static func result(
        _ endpoint: String, _ promql: String, _ parameters: String, port: Int, timeout: TimeAmount = .seconds(30), limit: Int = 1 << 20
    ) async throws -> [[String: Any]] {
        let query = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let url = "http://127.0.0.1:\(port)/api/v1/\(endpoint)?query=\(query)&\(parameters)"
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: timeout)
        let body = try await response.body.collect(upTo: limit)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return (json?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
    }

    /// The first series' value of an instant query at `at` (Unix seconds); nil if there is none.
    static func value(_ promql: String, at: Double, port: Int) async throws -> Double? {
        let result = try await result("query", promql, "time=\(at)", port: port)
        guard let value = result.first?["value"] as? [Any], let text = value.last as? String else { return nil }
        return Double(text)
    }
}
