import Foundation
import GRDB
import HTTPTypes
import RegistrarApp
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// 报名照片: kept with the application, named by its SHA-256, shown to the candidate and the site's reviewers.
@Suite struct PhotoTests {
    static let bytes = Data(base64Encoded: World.photo)!

    static func keptPhotos(_ world: World) async throws -> [String] {
        try await world.store.pool.read { db in try String.fetchAll(db, sql: "SELECT photo_id FROM photos ORDER BY photo_id") }
    }

    @Test func theUploadedPhotoIsKeptByItsHashAndServedToTheCandidateAndTheSitesReviewer() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let photoID = StoredPhoto.photoID(of: Self.bytes)
            #expect(photoID.count == 6 + 64 && photoID.hasPrefix("photo-"))
            // A and B uploaded the same file: one row, named by its hash, for both applications.
            #expect(try await Self.keptPhotos(world) == [photoID])
            let notice = try await client.call(
                .get,
                "/api/v1/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice",
                token: cast.tokens["auditor"]
            )
            #expect(notice.object["photoID"] as? String == photoID, "\(notice.text)")

            let path = "/api/v1/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/photo"
            for who in ["owner", "reviewer"] {
                let photo = try await client.call(.get, path, token: cast.tokens[who])
                #expect(photo.status == .ok, "\(who): \(photo.text)")
                #expect(photo.body == Self.bytes, "\(who)")
                #expect(photo.headers[.contentType] == "image/jpeg")
                #expect(photo.headers[.eTag] == "\"\(photoID)\"")
                #expect(photo.headers[.cacheControl] == "private, no-store")
            }
            for who in ["otherCandidate", "otherReviewer", "auditor", "admin"] {
                let refused = try await client.call(.get, path, token: cast.tokens[who])
                #expect(refused.status == .forbidden, "\(who): \(refused.status) \(refused.text)")
                #expect(refused.body != Self.bytes)
            }
            let unknown = try await client.call(
                .get,
                "/api/v1/candidates/\(cast.candidateA)/applications/application-0000/photo",
                token: cast.tokens["owner"]
            )
            #expect(unknown.status == .notFound && unknown.code == DecisionCode.applicationNotFound.rawValue, "\(unknown.text)")
        }
    }

    @Test func aRefusedApplicationKeepsNoPhotoAndARetryKeepsItOnce() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("wangwu003", index: 3)
            let token = try await client.login("wangwu003")
            let file = "/api/v1/candidates/\(candidate)"
            try #require(try await client.call(.put, "\(file)/contact", token: token, json: World.contact).status == .ok)
            try #require(try await client.call(.put, "\(file)/work", token: token, json: World.work).status == .ok)
            let entry = try #require(try await client.call(.post, "\(file)/education", token: token, json: World.education).id("entryID"))
            let events = { try await world.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 } }

            // A PNG, and a site outside the area: refused, and no bytes kept.
            let png = Data([0x89, 0x50, 0x4E, 0x47] + [UInt8](repeating: 1, count: 500)).base64EncodedString()
            let asPNG = World.application(education: [entry]).replacingOccurrences(of: World.photo, with: png)
            let before = try await events()
            let refusedPNG = try await client.call(.post, "\(file)/applications", token: token, json: asPNG)
            #expect(refusedPNG.status == .unprocessableContent && refusedPNG.code == "application.photo_format", "\(refusedPNG.text)")
            let wrongSite = try await client.call(
                .post,
                "\(file)/applications",
                token: token,
                json: World.application(education: [entry], site: "9999")
            )
            #expect(wrongSite.status.code >= 400 && wrongSite.status.code < 500, "\(wrongSite.text)")
            #expect(try await Self.keptPhotos(world).isEmpty)
            #expect(try await events() == before)

            // Only framed as a JPEG: the signature, and the end-of-image marker at the end.
            let unframed = Data([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x22, count: 2_000)).base64EncodedString()
            let notJPEG = try await client.call(
                .post,
                "\(file)/applications",
                token: token,
                json: World.application(education: [entry]).replacingOccurrences(of: World.photo, with: unframed)
            )
            #expect(notJPEG.status == .unprocessableContent && notJPEG.code == "application.photo_format", "\(notJPEG.text)")
            #expect(StoredPhoto.decodeBase64("not base64 at all!") == nil)
            #expect(try await Self.keptPhotos(world).isEmpty)

            // Sent twice under one key: one application, one photo.
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "apply-with-photo-1"]
            let first = try await client.call(.post, "\(file)/applications", token: token, json: World.application(education: [entry]), headers: key)
            #expect(first.status == .created, "\(first.text)")
            let afterFirst = try await events()
            let retry = try await client.call(.post, "\(file)/applications", token: token, json: World.application(education: [entry]), headers: key)
            #expect(retry.status == .created && retry.id("applicationID") == first.id("applicationID"), "\(retry.text)")
            #expect(first.id("photoID") == StoredPhoto.photoID(of: Self.bytes))
            #expect(try await events() == afterFirst)
            #expect(try await Self.keptPhotos(world) == [StoredPhoto.photoID(of: Self.bytes)])
        }
    }

    /// A JPEG of `size` bytes: ``World/photoBytes`` with its scan data stretched.
    static func jpeg(ofSize size: Int) -> Data {
        var bytes = World.photoBytes
        bytes.insert(contentsOf: [UInt8](repeating: 0x11, count: size - bytes.count), at: bytes.count - 2)
        return bytes
    }

    /// The administrator may allow photos of up to 1 MB: the application's body takes a photo at the season's limit,
    /// wrapped in lines, whatever the request limit; a larger photo is refused by its size, not by the body's.
    @Test func theApplicationBodyTakesAPhotoAtTheSeasonsLimit() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            let limit = try await client.call(.put, "/api/v1/admin/season/photo-limit", token: admin, json: #"{"maximumBytes": 1048576}"#)
            try #require(limit.status == .ok, "\(limit.text)")
            let candidate = try await client.register("wangwu003", index: 3)
            let token = try await client.login("wangwu003")
            let file = "/api/v1/candidates/\(candidate)"
            try #require(try await client.call(.put, "\(file)/contact", token: token, json: World.contact).status == .ok)
            try #require(try await client.call(.put, "\(file)/work", token: token, json: World.work).status == .ok)
            let entry = try #require(try await client.call(.post, "\(file)/education", token: token, json: World.education).id("entryID"))
            let large = Self.jpeg(ofSize: 1_048_000)
            // Wrapped as MIME encoders do, at 76 characters with CRLF (4 bytes each in the JSON string).
            let wrapped = large.base64EncodedString(options: .lineLength76Characters).replacingOccurrences(of: "\r\n", with: "\\r\\n")
            let submit = { (photo: String) in
                try await client.call(
                    .post,
                    "\(file)/applications",
                    token: token,
                    json: World.application(education: [entry]).replacingOccurrences(of: World.photo, with: photo)
                )
            }
            // Far over the limit: the photo is named, not the body (a phone's 3 MB photo).
            let named = try await submit(Self.jpeg(ofSize: 3_000_000).base64EncodedString())
            #expect(named.status == .unprocessableContent && named.code == DecisionCode.applicationPhotoTooLarge.rawValue, "\(named.text)")
            #expect(named.field == "photo.jpegBase64" && named.text.contains("照片文件须小于1024KB"), "\(named.text)")
            let refused = try await submit(Self.jpeg(ofSize: 1_048_576 + 3_000).base64EncodedString())
            #expect(refused.status == .unprocessableContent && refused.code == DecisionCode.applicationPhotoTooLarge.rawValue, "\(refused.text)")
            // Short lines, their breaks escaped at length (audit AA-5): under the limit, so taken.
            let short = large.base64EncodedString().chunked(16).joined(separator: "\\u000d\\u000a")
            #expect(short.utf8.count > wrapped.utf8.count)
            let accepted = try await submit(short)
            #expect(accepted.status == .created, "\(accepted.status) \(accepted.text.prefix(300))")
            #expect(accepted.id("photoID") == StoredPhoto.photoID(of: large))
        }
    }

    @Test func theReviewPageAndTheNoticeShowThePhotoToTheSitesReviewerOnly() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let photoPage = "/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/photo"
            let reviewer = try await PageTests.cookie(client, "reviewer01")
            let review = try await PageTests.form(client, .get, "/review/applications/\(cast.applicationA)", nil, cookie: reviewer)
            #expect(review.text.contains(#"<img class="portrait" src="\#(photoPage)""#), "\(review.text)")
            // Nobody has scanned the entry: "0" mismatches says so.
            #expect(review.text.contains("1项报考学历未经学信网核验"), "\(review.text)")
            #expect(review.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("img-src 'self'") == true)
            let image = try await PageTests.form(client, .get, photoPage, nil, cookie: reviewer)
            #expect(image.status == .ok && image.body == Self.bytes)
            let notice = try await PageTests.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice",
                nil,
                cookie: reviewer
            )
            #expect(notice.text.contains(#"<img class="photo" src="\#(photoPage)""#), "\(notice.text)")
            // The notice says when and where to go.
            #expect(notice.text.contains("2026-02-10 08:00 至 2026-03-10 08:00（北京时间）"), "\(notice.text)")
            #expect(notice.text.contains("到所选考点（武汉考点）"), "\(notice.text)")

            let auditor = try await PageTests.cookie(client, "auditor01")
            let audited = try await PageTests.form(client, .get, "/review/applications/\(cast.applicationA)", nil, cookie: auditor)
            #expect(!audited.text.contains("<img") && audited.text.contains("照片仅考生本人和考点审核人员可见"), "\(audited.text)")
            let auditorImage = try await PageTests.form(client, .get, photoPage, nil, cookie: auditor)
            #expect(auditorImage.status == .forbidden && auditorImage.body != Self.bytes)
            // The auditor's notice has the box to paste a photo into, not a broken image.
            let auditorNotice = try await PageTests.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice",
                nil,
                cookie: auditor
            )
            #expect(auditorNotice.status == .ok && !auditorNotice.text.contains("<img") && auditorNotice.text.contains("贴照片处"))
        }
    }

    /// A reviewer reads the file of a candidate who applies at their site, but not the photo of the application the same
    /// candidate sent to another site (and abandoned).
    @Test func aReviewerSeesThePhotosOfTheirSitesApplicationsOnly() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let file = "/api/v1/candidates/\(cast.candidateA)"
            let newApplication = try await cast.moveCandidateA(to: "4202", client)
            let otherSite = try #require(cast.tokens["otherReviewer"])
            #expect(try await client.call(.get, file, token: otherSite).status == .ok)
            #expect(try await client.call(.get, "\(file)/applications/\(newApplication)/photo", token: otherSite).status == .ok)
            let elsewhere = try await client.call(.get, "\(file)/applications/\(cast.applicationA)/photo", token: otherSite)
            #expect(elsewhere.status == .forbidden && elsewhere.code == DecisionCode.authNotReviewerOfSite.rawValue, "\(elsewhere.text)")
        }
    }

    /// The ways clients write base64: wrapped in lines, URL-safe, unpadded, or as a data URL; all the same bytes.
    @Test func thePhotoIsTakenInTheBase64FormsClientsSend() throws {
        let bytes = Self.bytes
        let standard = bytes.base64EncodedString()
        let wrapped = bytes.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "=",
            with: ""
        )
        for form in [standard, wrapped, urlSafe, "data:image/jpeg;base64," + standard] {
            #expect(StoredPhoto.decodeBase64(form) == bytes, "\(form.prefix(40))")
        }
        #expect(StoredPhoto.decodeBase64("data:image/jpeg," + standard) == nil, "a data URL that is not base64")
        #expect(StoredPhoto(bytes: bytes).isJPEG)
        #expect(!StoredPhoto(bytes: Data(bytes.dropLast(2))).isJPEG)
        // The structure, not only the first and last bytes (audit W-2): an HTML page framed as a JPEG, a JPEG with more
        // after its end, a frame without a size; padding zeros after the end are what some writers leave.
        let page = Data([0xFF, 0xD8, 0xFF] + Array("<html><script>alert(1)</script>".utf8) + [UInt8](repeating: 0x41, count: 80) + [0xFF, 0xD9])
        #expect(!StoredPhoto(bytes: page).isJPEG)
        #expect(!StoredPhoto(bytes: bytes + Data("<script>x</script>".utf8)).isJPEG)
        var sizeless = [UInt8](bytes)
        sizeless[27...30] = [0, 0, 0, 0]
        #expect(!StoredPhoto(bytes: Data(sizeless)).isJPEG)
        #expect(StoredPhoto(bytes: bytes + Data(count: 16)).isJPEG)
    }
}

extension String {
    /// The string cut into pieces of `size` characters (the last one shorter).
    fileprivate func chunked(_ size: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(self)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return pieces
    }
}
