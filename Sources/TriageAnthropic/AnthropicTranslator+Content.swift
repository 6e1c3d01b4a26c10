import TriageJSON

/// Message content between the two formats: text and images.
///
/// An OpenAI `image_url` part with a `data:<media type>;base64,<data>` URL becomes an Anthropic
/// `image` block with a `base64` source, one with an `http(s)` URL a `url` source, and back.
/// `detail` has no Anthropic counterpart and is dropped. Audio, files and documents have no
/// counterpart on the other side and are refused with the field named.
extension AnthropicTranslator {
    /// An OpenAI message `content` as Anthropic content blocks (text and images).
    static func anthropicBlocks(fromOpenAI content: JSONValue?, field: String) throws(TranslationError) -> [JSONValue] {
        guard case .array(let parts)? = content else {
            return try openAITexts(content, field: field).filter { !$0.isEmpty }.map { textBlock($0) }
        }
        var blocks: [JSONValue] = []
        for (index, part) in parts.enumerated() {
            let partField = "\(field)[\(index)]"
            if part["type"]?.stringValue == "image_url" {
                blocks.append(try imageBlock(fromOpenAI: part, field: partField))
            } else {
                let text = try openAIPartText(part, field: partField)
                if !text.isEmpty { blocks.append(textBlock(text)) }
            }
        }
        return blocks
    }

    /// An OpenAI `image_url` part as an Anthropic `image` block.
    static func imageBlock(fromOpenAI part: JSONValue, field: String) throws(TranslationError) -> JSONValue {
        let url = part["image_url"]?["url"]?.stringValue ?? part["image_url"]?.stringValue
        guard let url else { throw .invalid(field: "\(field).image_url.url", message: "expected a string") }
        let source: JSONValue
        if url.hasPrefix("data:") {
            let header = url.dropFirst(5).prefix { $0 != "," }
            guard header.hasSuffix(";base64"), url.count > 5 + header.count + 1 else {
                throw .unsupported(field: "\(field).image_url.url", message: "only base64 data URLs (data:<media type>;base64,...) and http(s) URLs translate to Anthropic image sources")
            }
            let mediaType = String(header.dropLast(7))
            let data = String(url.dropFirst(5 + header.count + 1))
            source = .object(["type": .string("base64"), "media_type": .string(mediaType), "data": .string(data)])
        } else if url.hasPrefix("https://") || url.hasPrefix("http://") {
            source = .object(["type": .string("url"), "url": .string(url)])
        } else {
            throw .unsupported(field: "\(field).image_url.url", message: "only base64 data URLs and http(s) URLs translate to Anthropic image sources")
        }
        return .object(["type": .string("image"), "source": source])
    }

    /// An Anthropic `image` block as an OpenAI `image_url` part.
    static func imagePart(fromAnthropic block: JSONValue, field: String) throws(TranslationError) -> JSONValue {
        let source = block["source"]
        let url: String
        switch source?["type"]?.stringValue {
        case "base64"?:
            guard let mediaType = source?["media_type"]?.stringValue, let data = source?["data"]?.stringValue else {
                throw .invalid(field: "\(field).source", message: "expected \"media_type\" and \"data\" strings")
            }
            url = "data:\(mediaType);base64,\(data)"
        case "url"?:
            guard let link = source?["url"]?.stringValue else { throw .invalid(field: "\(field).source.url", message: "expected a string") }
            url = link
        default:
            throw .unsupported(field: "\(field).source.type", message: "only base64 and url image sources have an OpenAI counterpart (Anthropic file ids do not)")
        }
        return .object(["type": .string("image_url"), "image_url": .object(["url": .string(url)])])
    }

    /// Anthropic content blocks (text and images, no tool blocks) as OpenAI content: a string
    /// when it is all text, else an array of parts.
    static func openAIContent(fromAnthropic blocks: [JSONValue], field: String, indices: [Int]) throws(TranslationError) -> JSONValue {
        var parts: [JSONValue] = []
        var allText = true
        for (block, index) in zip(blocks, indices) {
            let blockField = "\(field)[\(index)]"
            if block["type"]?.stringValue == "image" {
                allText = false
                parts.append(try imagePart(fromAnthropic: block, field: blockField))
            } else {
                let text = try anthropicBlockText(block, field: blockField)
                parts.append(.object(["type": .string("text"), "text": .string(text)]))
            }
        }
        if allText {
            let texts = parts.compactMap { $0["text"]?.stringValue }
            if texts.count <= 1 { return .string(texts.first ?? "") }
        }
        return .array(parts)
    }

    static func textBlock(_ text: String) -> JSONValue {
        .object(["type": .string("text"), "text": .string(text)])
    }
}
