import Testing
import TriageConfig
@testable import TriagePrivacy

@Suite struct DetectorTests {
    let scanner = SensitiveScanner()

    func found(_ text: String) -> [String] {
        scanner.scan(text).map { "\($0.type.rawValue):\($0.value(in: text))" }
    }

    @Test func emails() {
        #expect(found("write to jane.doe+x@mail.example.co.uk.") == ["email:jane.doe+x@mail.example.co.uk"])
        #expect(found("(mailto:ops@corp.io)") == ["email:ops@corp.io"])
        #expect(found("user@localhost and @handle and a@b").isEmpty)
    }

    @Test func cardsNeedLuhnAndAnIssuerPrefix() {
        #expect(found("card 4111 1111 1111 1111 exp 12/29") == ["card:4111 1111 1111 1111"])
        #expect(found("amex 378282246310005") == ["card:378282246310005"])
        #expect(found("card 4111 1111 1111 1112").allSatisfy { !$0.hasPrefix("card:") }, "Luhn fails")
        #expect(found("order 1234567812345678").isEmpty, "no issuer prefix, no Luhn")
    }

    @Test func ibansNeedTheirChecksumAndLength() {
        #expect(found("IBAN DE89 3704 0044 0532 0130 00, thanks") == ["iban:DE89 3704 0044 0532 0130 00"])
        #expect(found("to GB82WEST12345698765432.") == ["iban:GB82WEST12345698765432"])
        #expect(found("IBAN:FR1420041010050500013M02606") == ["iban:FR1420041010050500013M02606"])
        #expect(found("DE89370400440532013001").isEmpty, "mod 97 fails")
    }

    @Test func usSSNs() {
        #expect(found("my SSN is 536-22-1234.") == ["ssn:536-22-1234"])
        #expect(found("ssn 536221234") == ["ssn:536221234"])
        #expect(found("code 666-12-3456 and 000-12-3456 and 912-12-3456").isEmpty)
        #expect(found("part 536221234").isEmpty, "nine bare digits need the word")
    }

    @Test func nationalIDsWithCheckDigits() {
        #expect(found("DNI 12345678Z") == ["national_id:12345678Z"])
        #expect(found("DNI 12345678A").isEmpty)
        #expect(found("NIE X1234567L") == ["national_id:X1234567L"])
        #expect(found("HETU 131052-308T") == ["national_id:131052-308T"])
        #expect(found("personnummer 811218-9876") == ["national_id:811218-9876"])
        #expect(found("NIR 1 84 12 76 451 089 46") == ["national_id:1 84 12 76 451 089 46"])
        #expect(found("NI number AB 12 34 56 C") == ["national_id:AB 12 34 56 C"])
        #expect(found("BSN 111222333") == ["national_id:111222333"])
        #expect(found("CPF 529.982.247-25") == ["national_id:529.982.247-25"])
        #expect(found("PESEL 44051401359") == ["national_id:44051401359"])
    }

    @Test func phones() {
        #expect(found("call +49 30 1234567 now") == ["phone:+49 30 1234567"])
        #expect(found("+44(0)115 4960914") == ["phone:+44(0)115 4960914"])
        #expect(found("office (591)341-7776x123") == ["phone:(591)341-7776x123"])
        #expect(found("tel 0101984391") == ["phone:0101984391"])
        #expect(found("between 2024-05-12 14:33:05 and 10.0.19041.1").isEmpty)
    }

    @Test func ipAddresses() {
        #expect(found("from 203.0.113.42:8080") == ["ip:203.0.113.42"])
        #expect(found("host 2001:db8:85a3::8a2e:370:7334") == ["ip:2001:db8:85a3::8a2e:370:7334"])
        #expect(found("version 1.2.3.4 and 12:30:45 and 256.1.1.1").isEmpty)
    }

    @Test func secrets() {
        #expect(found("key sk-proj-abcdefghijklmnopqrstuvwx1234") == ["secret:sk-proj-abcdefghijklmnopqrstuvwx1234"])
        #expect(found("AKIAIOSFODNN7EXAMPLE") == ["secret:AKIAIOSFODNN7EXAMPLE"])
        #expect(found("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789") == ["secret:ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"])
        #expect(found("password=hunter2hunter2") == ["secret:hunter2hunter2"])
        #expect(found("t eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk") == ["secret:eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"])
        #expect(found("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----").count == 1)
        #expect(found("token Zx8Qp2LmR7tYv4KsW9nB3cHj6DfG1aE5").count == 1, "high entropy")
    }

    @Test func hardNegatives() {
        let text = """
        Order ORD-2024-000123 shipped on 2024-05-12T14:33:05Z; request 41472555-df25-4b23-9e2b-5abc88b04c72, \
        commit d191349819140123e45fb4adac3b13a4abba01a0, version 2.28.1, build 10.0.19041.1, price $1,234.56, \
        ISBN 978-3-16-148410-0, order #48213377, model gpt-4o-2024-08-06, /usr/local/lib/python3.11/site-packages
        """
        #expect(found(text).isEmpty)
    }

    @Test func userPatternsAndSpans() throws {
        let scanner = SensitiveScanner(patterns: [.init(name: "patient_id", regex: try MessagePattern("PAT-[0-9]{6}"))])
        let text = "Grüße, patient PAT-123456 at a@b.io"
        let findings = scanner.scan(text)
        #expect(findings.map(\.type.rawValue) == ["patient_id", "email"])
        #expect(findings.map { $0.value(in: text) } == ["PAT-123456", "a@b.io"])
        #expect(findings.allSatisfy { $0.confidence > 0 && $0.confidence <= 1 })
    }
}
