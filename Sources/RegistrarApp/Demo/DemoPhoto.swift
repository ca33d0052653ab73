import Foundation

/// The demo's photos: one small white-background portrait (a drawing, 150 × 200), made distinct per candidate and
/// brought to the size the demo drew by a JPEG comment segment (COM), which viewers ignore.
enum DemoPhoto {
    /// A JPEG of exactly `size` bytes (or the smallest this portrait makes, if larger) that names the candidate.
    static func bytes(candidate index: Int, size: Int) -> Data {
        let label = Array("Registrar demo photo of candidate \(index)".utf8)
        let padding = max(0, size - portrait.count - 4 - label.count)
        // A segment's length counts its own two bytes; the demo's sizes stay far below its 65,535.
        let segmentLength = 2 + label.count + padding
        var data = Data([0xFF, 0xD8, 0xFF, 0xFE, UInt8(segmentLength >> 8), UInt8(segmentLength & 0xFF)])
        data.append(contentsOf: label)
        data.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        data.append(portrait.dropFirst(2))
        return data
    }

    /// The portrait, as PIL saved it (quality 60).
    static let portrait = Data(
        base64Encoded: """
            /9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxO
            UlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09P
            T09PT09PT0//wAARCADIAJYDASIAAhEBAxEB/8QAHAABAAIDAQEBAAAAAAAAAAAAAAQFAQYHAwII/8QAOhAAAgEEAAQDBAULBQAA
            AAAAAAECAwQFEQYhMUESE1EUMmFxByJCgdEWIzM0Q1RykaGisRVSU2SS/8QAGAEBAQEBAQAAAAAAAAAAAAAAAAMCAQT/xAAfEQEA
            AwABBQEBAAAAAAAAAAAAAQIRAxITITEyQVH/2gAMAwEAAhEDEQA/AOnAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAfM6kKa3Oc
            Y/N6A+gVF3xPhbSHjq5Ck1vWoPxP+hE/Ljh799/sYGxAq7TiLEXkISo39F+N6jFy039xZxnGa3CSkvg9gZAAAAAAAAAAAAAAAAMS
            ajFyk9JdWZOefSJxLOnL/SbGq4vX59r/ABsCTxNx9QtVO2xGqtbTTq9oP4epz7I5nI5Kr5l5dVJvst6S+4gA6AAAJtPaemWeM4gy
            mLk3aXc4p9Yt7X8mVgA65wzxxaZTwW17q3unqK2/qzfw9Dbj87RbjJSi9NdGdX4A4klk7V2F5Ucrqitxb+1H8Tg3IAAAAAAAAAAA
            AB81ZOFKcl1jFs4Bkrid1krivU96dSTevmd/qR8dOUP9yaOCZi0nY5a5tqm9wqNba1teoEI9KFvWuaip0Kcqk30UVsm4XEV8vdql
            SWoLnOfaKOk4nD2mJoeXbx3J85Tl1Zm94q3Wk2aXY8F5CvqVzKNCPffNk/8AIL/vf2G6gjPJZXt1c2v+D8la7lRjGvBb93rr5FBU
            pzpTcKsJQkuTTWjtBUZvAWmXp7mvLrRX1ZxX+TVeX+s24v45YXHCV1UtOJLKpT1uVRQe/R8iDkrCvjbuVvcR1JdH2a9UWXBtjO+4
            ltIR2lTl5kmlvSRdF24AHAAAAAAAAAAAA0b6QeG/bowv7KEfaFynFdZr1+43krspJOcI90tmbW6Y1qsbONc4exMMVj409J1pLdSS
            7stAR729trCj511UUIb1z7nmnZl6fEQkAj2V7bX9HzrWopw3rl2JBwARL/JWeOjGV3WUPE9JdWz2trijdUI1qE1OnJbTQw1S8V4V
            ZOy82jFe0Uuaeucl6FrwJw/HE45160Yu7re811ivQlFnjJJ0pR7p7Lcdp9JclY9poALIgAAAAAAAAAAFXk/06+RaFXk/06+RPk+V
            OP6Qyl4kws8vb0/KqeCpTfJPoy6BCJydheY2MUvDeFniLep5tTx1Kj5pdEXQAmdnSIyMa7xLw9Vy1WnXt6qjUivC4y6aLDA4t4rH
            qhKfjm34pPtv4FkDvVOY50xuhYYv9p9xXlhi/wBp9x3j+nOT5WAAPS8wAAAAAAAAAABAykeUJ6+DZPPG6p+bQlFdeqM3jYarOSpQ
            GtPQPK9ICDK+dvVnC8i4x39WaXJr8T1d/aKPi8+GvgxjuSkgiULx3NZeTTfkpc5ta38iWDAtcbHVBya6srIRc5KK6su6UPLpRguy
            K8UedS5Z8Y+wAXQAAAAAAAAAAAAAFbkLfwy82C5Pr8CCX7SkmmtpkC5sXvxUenoRvx/sLUv+SrpwjOLjOKafZnj7Fa/u9P8A8nv3
            BFYSSWktIGYpykorq+hY21io/Wrc32RqtZt6ZtaK+zH2/hXmzXN9ETgD01jIx5rTs6AA64AAAAAAAAAAAAABiXuv5GTEvdfyA16X
            vP5mNv1My95/M+TxvW9bb9Yp/wARflBbfrFP+JF+X4vSPL7AAVSAAAAAAAAAAAAAAHxVq06MHOrOMIrm3J6SNVzPHFnaeKlYR9oq
            rl4vsr8TsRM+nJnG2nlKvRcvLVSLm03pPmcoyHFeXvm07h0oN+7T5aI2EytXH5WjcynKUd6mm97T6lO1OM9boUvefzMFxSjQrUo1
            YRi4zW013PryaX/HH+R4+1L092FVb/rFP+Iu416MpuCqR8UXprfNEK+q29hZ1bqpGKjTjs5JdZG5uL+pd+bOM5z8Sak1r0L8XFPl
            Lk5NdsByfH8YZeySjKqq8F2qLf8AU3PD8Z4+/wDDTuH7NWfaT+q/vNzSYYi0S2UGIyjOKlFpp90ZMNAAAAAAAABW5rNWmGtvNupb
            k+UYR6yGdy9HDWErmqvFJ8oRX2mclymSucpeSubqbcn0XaK9EbpTqZtbEzOcQ3uYrPzJuFBPcKa6L8SnAPREYkAADofAmZdzbPH1
            n+corcHvrE284zib6eOyNG6pv3Jc16rudVvMrQt8LLIqScHT8Ufi30IclcnwrWfDU+Pcy51Fi6L+rHUqjT6v0NKPW5rzubmpXqvc
            6knJs8i1YyMTmdkAB1xsPD3FN3iakKVWUqtpvnB9V8jpeMyVtlLSNzaz8UX1XeL9GcTLTBZq5w14qtFt0379NvlJGL03zDVbY7IC
            Ljb+jkrGnd273Ca79USjzqgAAHzUqQpU5VKklGEVtt9kfRrHHmSVnhvZ4tqpcPwrXp3OxGzjkzjR+KMxPLZSpJTbt4Pw049tepTA
            HqiMRAAAAAAm1cpdVcZTx857oU5eJLuQgAAAAAAAABs/BWbeOyKtriq1bVuXN8ov1OopppNdGcITaaa6o69wpkY5LB0am25014J7
            9UR5K/qlJ/FyACTYc2+kW68zL0rZVFKNKG3FfZb9fu0AU4/pm/pqAALpAAAAAAAAAAAAAAAABv30a3W43dpKouWpxh39G/8AABm/
            y1X23oAHmVf/2Q==
            """,
        options: .ignoreUnknownCharacters
    )!
}
