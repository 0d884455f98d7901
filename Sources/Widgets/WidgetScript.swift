import Foundation

/// `ops-sla-card.js`, the `<ops-sla-card>` web component, as the server sends it. The file is
/// plain JavaScript under `Resources/`: no build step, edited and served as it is.
public enum WidgetScript {
    /// The module's bytes; nil if the resource bundle is missing (a broken install).
    public static func source() -> [UInt8]? {
        guard let url = Bundle.module.url(forResource: "ops-sla-card", withExtension: "js"), let data = try? Data(contentsOf: url) else {
            return nil
        }
        return [UInt8](data)
    }
}
