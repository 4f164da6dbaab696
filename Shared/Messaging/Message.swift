internal import CNNG

/// Conversions between Swift bytes and `nng_msg`.
enum Message {
    /// Makes an `nng_msg` holding a copy of `bytes`.
    /// - Returns: the message; the caller owns it until a send that succeeds takes it over.
    static func make(_ bytes: [UInt8], operation: @autoclosure () -> String) throws(MessagingError) -> OpaquePointer {
        var message: OpaquePointer?
        try MessagingError.check(nng_msg_alloc(&message, 0), operation())
        let rv = bytes.withUnsafeBytes { nng_msg_append(message, $0.baseAddress, $0.count) }
        if rv != 0 { nng_msg_free(message) }
        try MessagingError.check(rv, operation())
        return message!
    }

    /// Copies the body of `message` out and frees it (the caller owned it).
    static func consume(_ message: OpaquePointer) -> [UInt8] {
        defer { nng_msg_free(message) }
        return bytes(of: message)
    }

    /// A copy of the body of `message`, which stays the caller's.
    static func bytes(of message: OpaquePointer) -> [UInt8] {
        let count = nng_msg_len(message)
        guard count > 0, let body = nng_msg_body(message) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: body, count: count))
    }
}

extension AsyncIO {
    /// Receives one message with `submit` (e.g. `nng_ctx_recv`) and returns its bytes.
    func receive(timeout: Duration?, abortIf shouldAbort: () -> Bool = { false }, _ submit: (OpaquePointer) -> Void)
        async throws -> [UInt8]
    {
        setTimeout(timeout)
        try await perform(abortIf: shouldAbort, submit)
        guard let message = nng_aio_get_msg(aio) else { return [] }
        nng_aio_set_msg(aio, nil)
        return Message.consume(message)
    }
}
