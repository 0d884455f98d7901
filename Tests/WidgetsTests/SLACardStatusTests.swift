import Testing
import Widgets

@Suite("Card status words")
struct SLACardStatusTests {
    @Test(arguments: SLACardStatus.allCases)
    func everyStatusHasWordsInBothLanguages(_ status: SLACardStatus) {
        #expect(!status.label(language: "en").isEmpty)
        #expect(!status.label(language: "es").isEmpty)
        #expect(status.label(language: "en") != status.label(language: "es-MX"))
    }
}
