/// The Mustache templates of the pages, as string literals (no resource bundle to find beside the binary).
///
/// `{{name}}` is HTML-escaped by swift-mustache; only the layout's `{{{content}}}` (a rendered template) is not.
enum PageTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "queue": queue, "comparison": comparison, "history": history, "audit": audit,
        "notice": notice, "admin": admin, "error": error, "password": password, "recovery": recovery,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
        header { background: #0b4f8a; color: #fff; padding: 8px 24px; display: flex; align-items: center; gap: 24px; }
        header a { color: #fff; }
        header .who { margin-left: auto; }
        header form { display: inline; }
        main { padding: 16px 24px; max-width: 1200px; }
        h1 { font-size: 22px; margin: 8px 0 16px; }
        h2 { font-size: 18px; margin: 24px 0 8px; }
        h3 { font-size: 16px; margin: 16px 0 6px; }
        table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 12px; }
        th, td { border: 1px solid #c5ccd6; padding: 6px 10px; text-align: left; vertical-align: top; }
        th { background: #e4e9f0; }
        tr.mismatch td { background: #fbd5d5; color: #8a1c1c; font-weight: bold; }
        tr.not-provided td.chsi, tr.not-verified td.chsi { color: #6b7280; font-style: italic; }
        tr.superseded td { color: #6b7280; text-decoration: line-through; }
        tr.future td { color: #9aa5b1; }
        tr.current td { background: #fff4c2; }
        .flag { color: #b91c1c; font-weight: bold; }
        .tabs a, .tabs strong { margin-right: 14px; }
        .notice { background: #dcfce7; border: 1px solid #16a34a; padding: 8px 12px; margin-bottom: 12px; }
        .error { background: #fee2e2; border: 1px solid #b91c1c; padding: 8px 12px; margin-bottom: 12px; color: #7f1d1d; }
        .summary td:first-child, .print td:first-child { width: 160px; background: #f0f3f7; }
        form.box { background: #fff; border: 1px solid #c5ccd6; padding: 12px; margin: 8px 0; }
        form.box label { display: inline-block; margin-right: 12px; }
        .scroll { overflow-x: auto; max-width: 100%; }
        .id { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; word-break: break-all; }
        table.audit td { overflow-wrap: anywhere; word-break: break-word; }
        table.audit td:first-child, table.audit td:nth-child(5) { white-space: nowrap; }
        table.audit td:last-child { min-width: 8em; }
        .notice-head { display: flex; gap: 16px; align-items: flex-start; }
        .notice-head table { flex: 1; }
        .summary-head { display: flex; gap: 16px; align-items: flex-start; }
        .summary-head table { flex: 1; }
        .portrait { flex: none; width: 120px; height: 160px; object-fit: cover; border: 1px solid #cbd2d9; }
        .photo { flex: none; width: 33mm; height: 44mm; object-fit: cover; border: 1px dashed #1f2933; display: flex; align-items: center; justify-content: center; text-align: center; font-size: 13px; color: #4b5563; background: #fff; }
        .hints { font-size: 13px; color: #4b5563; margin: 8px 0 0; padding-left: 20px; }
        input[type=text], input[type=password], select { padding: 4px 6px; }
        button { padding: 4px 14px; }
        @page { size: A4; margin: 15mm; }
        @media print {
          header, form, .noprint { display: none !important; }
          body { background: #fff; }
          main { padding: 0; }
          tr.mismatch td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        </style>
        </head>
        <body>
        <header>
        <strong>医师资格考试网上报名</strong>
        {{#links}}<a href="{{href}}">{{label}}</a>{{/links}}
        {{#user}}<span class="who">{{role}}：{{user}}</span>
        <a href="/account/password">修改密码</a>
        <form method="post" action="/logout"><button type="submit">退出登录</button></form>{{/user}}
        </header>
        <main>
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let login = """
        <h1>{{title}}</h1>
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        <form class="box" method="post" action="/login">
        <input type="hidden" name="next" value="{{next}}">
        <p><label>用户名 <input type="text" name="username" value="{{username}}" required maxlength="64" autocomplete="username"></label></p>
        <p><label>密码 <input type="password" name="password" required maxlength="128" autocomplete="current-password"></label></p>
        <p><button type="submit">登录</button></p>
        </form>
        <p class="noprint">考生忘记密码：<a href="/password-recovery">找回密码</a>（凭证件号码、姓名和密码找回问题）；忘记找回答案的，请持有效身份证件到报考考点由审核人员重置。工作人员忘记密码请联系管理员。</p>
        """

    static let recovery = """
        <h1>{{title}}</h1>
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        {{#done}}<p class="notice">密码已重设，其他设备上的登录已退出。您的用户名是 <strong>{{username}}</strong>，请<a href="/login">用新密码登录</a>。</p>{{/done}}
        {{#askIdentity}}
        <form class="box" method="post" action="/password-recovery/question">
        <p>请填写注册时的证件类型、证件号码和姓名，然后回答注册时设置的密码找回问题并设置新密码。</p>
        <p><label>证件类型 <select name="idType">{{#idTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/idTypes}}</select></label></p>
        <p><label>证件号码 <input type="text" name="idNumber" value="{{idNumber}}" required maxlength="64" autocomplete="off"></label></p>
        <p><label>姓名 <input type="text" name="name" value="{{name}}" required maxlength="64"></label></p>
        <p><button type="submit">下一步</button></p>
        </form>
        {{/askIdentity}}
        {{#question}}
        <form class="box" method="post" action="/password-recovery">
        <input type="hidden" name="idType" value="{{idType}}"><input type="hidden" name="idNumber" value="{{idNumber}}">
        <input type="hidden" name="name" value="{{name}}"><input type="hidden" name="question" value="{{question}}">
        <p>密码找回问题：<strong>{{question}}</strong></p>
        <p><label>答案 <input type="text" name="recoveryAnswer" required maxlength="128" autocomplete="off"></label></p>
        <p><label>新密码 <input type="password" name="newPassword" required minlength="5" maxlength="12" autocomplete="new-password"></label></p>
        <p><label>再次输入新密码 <input type="password" name="confirmPassword" required minlength="5" maxlength="12" autocomplete="new-password"></label></p>
        <p class="hints">新密码5至12位，由字母和数字组成。</p>
        <p><button type="submit">重设密码</button></p>
        </form>
        {{/question}}
        {{^done}}<p class="noprint"><a href="/login">返回登录</a></p>{{/done}}
        """

    static let password = """
        <h1>{{title}}</h1>
        {{#required}}<p class="error">您的密码由他人设置（新建账号或重置密码），或不符合现行密码规则：请先修改密码，然后才能使用其他功能。</p>{{/required}}
        {{#done}}<p class="notice">密码已修改，其他设备上的登录已退出。<a href="{{home}}">返回首页</a></p>{{/done}}
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        <form class="box" method="post" action="/account/password">
        <p><label>当前密码 <input type="password" name="currentPassword" required maxlength="128" autocomplete="current-password"></label></p>
        <p><label>新密码 <input type="password" name="newPassword" required maxlength="128" autocomplete="new-password"></label></p>
        <p><label>再次输入新密码 <input type="password" name="confirmPassword" required maxlength="128" autocomplete="new-password"></label></p>
        <p class="hints">{{rule}}</p>
        <p><button type="submit">修改密码</button></p>
        </form>
        """

    static let queue = """
        <h1>{{title}}</h1>
        <form class="box noprint" method="get" action="{{base}}">
        <label>查找考生 <input type="text" name="q" value="{{q}}" maxlength="64" placeholder="{{searchHint}}"></label>
        <button type="submit">查找</button>{{#searching}} <a href="{{base}}">返回审核队列</a>{{/searching}}
        </form>
        {{^searching}}<p class="noprint tabs">{{#tabs}}{{#current}}<strong>{{label}}</strong>{{/current}}{{^current}}<a href="{{link}}">{{label}}</a>{{/current}} {{/tabs}}</p>{{/searching}}
        {{#searching}}<h2>查找“{{q}}”的结果</h2>{{/searching}}
        {{#empty}}<p>{{#searching}}本考点没有{{searchHint}}为“{{q}}”的报名。{{/searching}}{{^searching}}没有符合条件的报名记录。{{/searching}}</p>{{/empty}}
        {{^empty}}
        <table>
        <thead><tr><th>姓名</th><th>报名号</th><th>报考类别</th><th>提交时间</th><th>状态</th><th>缴费</th><th>学历条目</th><th>已验证</th><th>不一致项</th><th>身份</th><th>修改</th></tr></thead>
        <tbody>
        {{#items}}
        <tr{{#hasMismatch}} class="mismatch"{{/hasMismatch}}>
        <td>{{#open}}<a href="/review/applications/{{applicationID}}">{{name}}</a>{{/open}}{{^open}}{{name}}<br><small>已放弃，考生不再在本考点报名</small>{{/open}}</td><td class="id">{{applicationID}}</td><td>{{exam}}</td>
        <td>{{submittedAt}}</td><td>{{status}}</td><td>{{payment}}</td><td>{{entries}}</td><td>{{verified}}</td><td>{{mismatches}}</td>
        <td>{{#identity}}<span class="flag">身份不符</span>{{/identity}}{{^identity}}—{{/identity}}</td><td>{{corrections}}</td>
        </tr>
        {{/items}}
        </tbody>
        </table>
        {{/empty}}
        <p class="noprint">{{#firstPage}}<a href="{{firstPage}}">第一页</a> {{/firstPage}}{{#nextPage}}<a href="{{nextPage}}">下一页</a>{{/nextPage}}</p>
        """

    static let comparison = """
        <h1>{{title}}</h1>
        {{#notice}}<p class="notice">{{notice}}</p>{{/notice}}
        {{#error}}<p class="error">操作未完成：{{error}}</p>{{/error}}
        <div class="summary-head">
        <table class="summary">
        <tr><td>姓名</td><td>{{name}}</td></tr>
        <tr><td>报名号</td><td>{{applicationID}}</td></tr>
        <tr><td>报考类别</td><td>{{exam}}</td></tr>
        <tr><td>考点</td><td><a href="{{siteLink}}">{{site}}</a></td></tr>
        <tr><td>提交时间</td><td>{{submittedAt}}</td></tr>
        <tr><td>审核状态</td><td>{{status}}{{#reason}}（原因：{{reason}}）{{/reason}}</td></tr>
        <tr><td>缴费状态</td><td>{{payment}}</td></tr>
        {{#photoNote}}<tr><td>照片</td><td>{{photoNote}}</td></tr>{{/photoNote}}
        <tr><td>不一致项</td><td>{{#hasMismatches}}<span class="flag">{{mismatches}}</span>{{/hasMismatches}}{{^hasMismatches}}0{{/hasMismatches}}{{#unverifiedNote}}（{{unverifiedNote}}）{{/unverifiedNote}}{{#identityMismatch}} <span class="flag">学信网记录的姓名或证件号码与考生不符</span>{{/identityMismatch}}</td></tr>
        </table>
        {{#photo}}<img class="portrait" src="{{photo}}" alt="报名照片">{{/photo}}
        </div>
        <p class="noprint"><a href="{{historyLink}}">档案历史</a></p>
        {{#hasBasic}}
        <h2>基本信息</h2>
        <table class="fields basic">
        <tbody>
        {{#basic}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/basic}}
        </tbody>
        </table>
        {{/hasBasic}}
        {{#hasApplicationRows}}
        <h2>报考信息与工作情况（提交时）</h2>
        <table class="fields application">
        <tbody>
        {{#applicationRows}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/applicationRows}}
        </tbody>
        </table>
        {{/hasApplicationRows}}
        {{#hasTicked}}
        <h2>勾选的培训经历与证书</h2>
        {{#ticked}}
        <h3>{{title}}</h3>
        <table class="fields ticked">
        <tbody>
        {{#rows}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{/ticked}}
        {{/hasTicked}}
        {{#hasDecision}}
        <h2>审核记录</h2>
        <table class="fields decision">
        <tbody>
        {{#decision}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/decision}}
        </tbody>
        </table>
        {{/hasDecision}}
        {{#hasCorrections}}
        <h2>已做的基本信息修改</h2>
        <table class="corrections">
        <thead><tr><th>字段</th><th>原值</th><th>新值</th><th>原因</th><th>修改人</th><th>时间</th></tr></thead>
        <tbody>
        {{#corrections}}<tr><td>{{field}}</td><td>{{oldValue}}</td><td>{{newValue}}</td><td>{{reason}}</td><td>{{#reviewerName}}{{reviewerName}}<br>{{/reviewerName}}<span class="id">{{reviewer}}</span></td><td>{{correctedAt}}</td></tr>{{/corrections}}
        </tbody>
        </table>
        {{/hasCorrections}}
        {{#hasPayments}}
        <h2>缴费记录</h2>
        <table class="payments">
        <thead><tr><th>订单号</th><th>金额</th><th>发起时间</th><th>银行结果</th><th>确认时间</th><th>失败原因</th></tr></thead>
        <tbody>
        {{#payments}}<tr><td class="id">{{orderNumber}}</td><td>{{amount}}</td><td>{{startedAt}}</td><td>{{outcome}}</td><td>{{confirmedAt}}</td><td>{{failureReason}}</td></tr>{{/payments}}
        </tbody>
        </table>
        {{/hasPayments}}
        {{#hasRefunds}}
        <h2>退费记录</h2>
        <table class="refunds">
        <thead><tr><th>金额</th><th>原因</th><th>时间</th></tr></thead>
        <tbody>
        {{#refunds}}<tr><td>{{amount}}</td><td>{{reason}}</td><td>{{recordedAt}}</td></tr>{{/refunds}}
        </tbody>
        </table>
        {{/hasRefunds}}
        {{#isFrozen}}<p class="frozen">本报名已离开待审核状态：以下比对按审核（或放弃）时的姓名、证件号码、学历及学信网结果显示，之后的修改和学信网结果不再改变它。</p>{{/isFrozen}}
        {{#noEntries}}<p>本次报名未勾选学历条目。</p>{{/noEntries}}
        {{#entries}}
        <h2>学历 {{number}}：填报 / 学信网比对</h2>
        <table class="comparison" data-entry="{{entryID}}">
        <thead><tr><th>项目</th><th>填报</th><th>学信网</th><th>比对结果</th></tr></thead>
        <tbody>
        {{#rows}}
        <tr class="{{class}}" data-label="{{label}}"><td>{{label}}</td><td class="declared">{{declared}}</td><td class="chsi">{{chsi}}</td><td>{{verdict}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        <h2>学信网验证记录</h2>
        {{^hasAttempts}}<p>未验证：没有学信网验证结果。</p>{{/hasAttempts}}
        {{#hasAttempts}}
        <table class="attempts">
        <thead><tr><th>次序</th><th>收到时间</th><th>学信网姓名</th><th>学信网证件号码</th><th>院校</th><th>形式</th><th>学历</th><th>专业</th><th>入学</th><th>毕业</th><th>结论</th><th>身份</th><th>状态</th></tr></thead>
        <tbody>
        {{#attempts}}
        <tr{{#superseded}} class="superseded"{{/superseded}}><td>{{sequence}}</td><td>{{receivedAt}}</td><td>{{chsiName}}</td><td class="id">{{chsiIDNumber}}</td><td>{{school}}</td><td>{{studyForm}}</td><td>{{level}}</td><td>{{major}}</td><td>{{enrolment}}</td><td>{{graduation}}</td><td>{{conclusion}}</td>
        <td>{{#identityMismatch}}<span class="flag">{{identity}}</span>{{/identityMismatch}}{{^identityMismatch}}{{identity}}{{/identityMismatch}}</td>
        <td>{{#superseded}}已被新结果取代{{/superseded}}{{^superseded}}当前结果{{/superseded}}</td></tr>
        {{/attempts}}
        </tbody>
        </table>
        {{/hasAttempts}}
        {{/entries}}
        {{#canCorrect}}
        <h2 class="noprint">修改基本信息</h2>
        <form class="box" method="post" action="/review/applications/{{applicationID}}/corrections">
        <label>字段 <select name="field">{{#fields}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/fields}}</select></label>
        <label>新值 <input type="text" name="newValue" value="{{newValue}}" maxlength="200" list="correction-choices"></label>
        <label>证件类型 <select name="idType"><option value="">不变</option>{{#idTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/idTypes}}</select></label>
        <datalist id="correction-choices">{{#choices}}<option value="{{.}}">{{/choices}}</datalist>
        <label>修改原因 <input type="text" name="reason" value="{{correctionReason}}" required maxlength="200"></label>
        <button type="submit">保存修改</button>
        <ul class="hints">{{#hints}}<li>{{.}}</li>{{/hints}}</ul>
        </form>
        {{/canCorrect}}
        {{#canResetPassword}}
        <h2 class="noprint">重置考生密码</h2>
        <form class="box noprint" method="post" action="/review/applications/{{applicationID}}/password-reset">
        <p>考生忘记密码及密码找回答案时，核验本人身份证明材料后重置；考生的其他登录随即失效。</p>
        <label>新密码 <input type="password" name="newPassword" required minlength="5" maxlength="12" autocomplete="new-password"></label>
        <label>重置原因 <input type="text" name="reason" value="{{resetReason}}" required maxlength="200"></label>
        <button type="submit">重置密码</button>
        </form>
        {{/canResetPassword}}
        {{#canDecide}}
        <h2 class="noprint">审核结论</h2>
        <form class="box" method="post" action="/review/applications/{{applicationID}}/approve">
        <label>审核意见 <input type="text" name="note" value="{{approveNote}}" maxlength="200"{{#noteRequired}} required{{/noteRequired}}></label>
        <button type="submit">审核通过</button>
        {{#chsiContradicts}}<p class="hints">学信网核验结果与填报不符（见上方红色行）：审核通过须填写审核意见，说明核对了哪些原件、为何予以通过；审核通过后所勾选的学历将标记为已审核，作为今后报考的可信数据。</p>{{/chsiContradicts}}
        {{^chsiContradicts}}{{#noteRequired}}<p class="hints">{{unconfirmedEntries}}未经学信网核验：审核通过须填写审核意见，说明核对了哪些学历证书原件或认证材料；审核通过后所勾选的学历将标记为已审核，作为今后报考的可信数据。</p>{{/noteRequired}}{{/chsiContradicts}}
        </form>
        <form class="box" method="post" action="/review/applications/{{applicationID}}/reject">
        <label>不通过原因 <input type="text" name="reason" value="{{rejectReason}}" required maxlength="200"></label>
        <button type="submit">审核不通过</button>
        </form>
        {{/canDecide}}
        {{#reviewClosed}}<p class="noprint">当前不在现场资格审核期间：审核、修改基本信息和记录签字确认均不能办理。</p>{{/reviewClosed}}
        {{#canSign}}
        <h2 class="noprint">签字确认</h2>
        <form class="box noprint" method="post" action="/review/applications/{{applicationID}}/signature">
        <p>考生在打印的报名信息表上签字确认后记录；签字确认后报名信息不得更改。</p>
        <button type="submit">记录签字确认</button>
        </form>
        <h2 class="noprint">撤销审核通过</h2>
        <form class="box noprint" method="post" action="/review/applications/{{applicationID}}/approval-withdrawal">
        <p>考生签字确认前，如审核通过有误（误操作、原件核对有误），可撤销审核通过并说明原因；报名恢复为待审核，本次审核标记为已审核的条目随之撤销。</p>
        <label>撤销原因 <input type="text" name="reason" value="{{withdrawReason}}" required maxlength="200"></label>
        <button type="submit">撤销审核通过</button>
        </form>
        {{/canSign}}
        """

    static let history = """
        <h1>{{title}}</h1>
        <p>考生编号 {{candidateID}}；显示版本 {{version}} / 最新版本 {{latestVersion}}{{#isPast}}（历史回放，<a href="/candidates/{{candidateID}}/history">回到最新</a>）{{/isPast}}</p>
        {{#hasCurrent}}
        <h2>当前报名状态</h2>
        <table class="fields current-status">
        <thead><tr><th>报考类别</th><th>考点</th><th>报名状态</th><th>缴费状态</th></tr></thead>
        <tbody>
        {{#current}}<tr><td>{{exam}}</td><td>{{site}}</td><td>{{status}}</td><td>{{payment}}</td></tr>{{/current}}
        </tbody>
        </table>
        {{/hasCurrent}}
        {{#hasNext}}
        <h2>下一步</h2>
        <ul class="next-actions">{{#next}}<li>{{.}}</li>{{/next}}</ul>
        {{/hasNext}}
        {{#hasNotices}}
        <h2>网上报名成功通知单</h2>
        <ul class="noprint">{{#notices}}<li><a href="{{link}}">{{label}}</a></li>{{/notices}}</ul>
        {{/hasNotices}}
        <h2>时间线</h2>
        <table class="timeline">
        <thead><tr><th>版本</th><th>时间</th><th>操作</th><th>操作人</th><th>角色</th><th>原因</th><th class="noprint">回放</th></tr></thead>
        <tbody>
        {{#steps}}
        <tr class="{{#current}}current{{/current}}{{#future}}future{{/future}}"><td>{{version}}</td><td>{{recordedAt}}</td><td>{{action}}</td><td>{{#actorName}}{{actorName}}<br>{{/actorName}}<span class="id">{{actor}}</span></td><td>{{role}}</td><td>{{reason}}</td>
        <td class="noprint"><a href="{{link}}">回放到此版本</a></td></tr>
        {{/steps}}
        </tbody>
        </table>
        <h2>该版本的档案内容</h2>
        {{#noSections}}<p>该版本的档案尚无内容。</p>{{/noSections}}
        {{#sections}}
        <h3>{{title}}</h3>
        <table class="fields print">
        <tbody>
        {{#rows}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{/sections}}
        """

    static let audit = """
        <h1>{{title}}</h1>
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        <form class="box" method="get" action="/audit">
        <label>考生 <input type="text" name="candidate" value="{{candidate}}" placeholder="用户名或考生编号"></label>
        <label>操作人 <input type="text" name="actor" value="{{actor}}" placeholder="用户名或编号"></label>
        <label>起始 <input type="text" name="since" value="{{since}}" placeholder="2026-01-12T11:00:00+08:00"></label>
        <label>截止 <input type="text" name="until" value="{{until}}"></label>
        <label>字段 <input type="text" name="field" value="{{field}}" placeholder="basic.name"></label>
        <button type="submit">筛选</button>
        </form>
        {{^error}}<p>本页 {{count}} 条{{#nextPage}}，后面还有{{/nextPage}} <a class="noprint" href="{{csv}}">导出全部记录（CSV）</a></p>{{/error}}
        <div class="scroll">
        <table class="audit">
        <thead><tr><th>序号</th><th>时间</th><th>对象</th><th>操作人</th><th>角色</th><th>操作</th><th>字段</th><th>修改前</th><th>修改后</th><th>原因</th></tr></thead>
        <tbody>
        {{#rows}}
        <tr><td>{{position}}</td><td>{{recordedAt}}</td><td>{{#subjectName}}{{subjectName}}<br>{{/subjectName}}<span class="id">{{#subjectLink}}<a href="{{subjectLink}}">{{subject}}</a>{{/subjectLink}}{{^subjectLink}}{{subject}}{{/subjectLink}}</span>{{#subjectTrail}} <a class="noprint" href="{{subjectTrail}}">只看此对象</a>{{/subjectTrail}}</td><td>{{#actorName}}{{actorName}}<br>{{/actorName}}<span class="id"><a href="{{actorTrail}}">{{actor}}</a></span></td><td>{{role}}</td><td>{{action}}</td><td>{{field}}</td><td>{{before}}</td><td>{{after}}</td><td>{{reason}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        </div>
        <p class="noprint">{{#firstPage}}<a href="{{firstPage}}">第一页</a> {{/firstPage}}{{#nextPage}}<a href="{{nextPage}}">下一页</a>{{/nextPage}}</p>
        """

    static let notice = """
        <div class="sheet">
        <h1 style="text-align:center">{{title}}</h1>
        <div class="notice-head">
        <table class="print">
        {{#rows}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/rows}}
        </table>
        {{#photo}}<img class="photo" src="{{photo}}" alt="报名照片">{{/photo}}{{^photo}}<div class="photo">贴照片处<br>（近期免冠<br>白底证件照）</div>{{/photo}}
        </div>
        {{#hasEducation}}
        <h2>报考学历</h2>
        <table class="print-list">
        <thead><tr><th>毕业学校</th><th>专业</th><th>学历</th><th>学习形式</th><th>毕业年月</th></tr></thead>
        <tbody>
        {{#education}}<tr><td>{{school}}</td><td>{{major}}</td><td>{{level}}</td><td>{{studyForm}}</td><td>{{graduation}}</td></tr>{{/education}}
        </tbody>
        </table>
        {{/hasEducation}}
        {{#hasTraining}}
        <h2>培训经历</h2>
        <table class="print-list">
        <thead><tr><th>培训类型</th><th>培训基地</th><th>培训专业</th><th>起止年月</th></tr></thead>
        <tbody>
        {{#training}}<tr><td>{{kind}}</td><td>{{institution}}</td><td>{{specialty}}</td><td>{{period}}</td></tr>{{/training}}
        </tbody>
        </table>
        {{/hasTraining}}
        {{#hasCertificate}}
        <h2>证书</h2>
        <table class="print-list">
        <thead><tr><th>证书类型</th><th>证书编号</th><th>发证年月</th></tr></thead>
        <tbody>
        {{#certificate}}<tr><td>{{type}}</td><td>{{number}}</td><td>{{issued}}</td></tr>{{/certificate}}
        </tbody>
        </table>
        {{/hasCertificate}}
        {{#instruction}}<p>{{instruction}}</p>{{/instruction}}
        <p style="margin-top:48px">考生签字：____________　　　日期：____________</p>
        </div>
        """

    static let admin = """
        <h1>{{title}}</h1>
        <p>年度 {{season}}；当前：{{phase}}。修改请使用管理接口（/api/v1/admin/…）。</p>
        <h2>报名日程（北京时间）</h2>
        {{#noCalendar}}<p>尚未设置报名日程。</p>{{/noCalendar}}
        {{^noCalendar}}
        <table>
        <thead><tr><th>阶段</th><th>开始</th><th>结束（不含）</th></tr></thead>
        <tbody>{{#calendar}}<tr><td>{{label}}</td><td>{{opens}}</td><td>{{closes}}</td></tr>{{/calendar}}</tbody>
        </table>
        {{/noCalendar}}
        <h2>考试类别</h2>
        <table>
        <thead><tr><th>代码</th><th>名称</th><th>级别</th><th>类别</th><th>状态</th></tr></thead>
        <tbody>{{#exams}}<tr><td>{{code}}</td><td>{{name}}</td><td>{{level}}</td><td>{{category}}</td><td>{{state}}</td></tr>{{/exams}}</tbody>
        </table>
        <h2>考区</h2>
        <table>
        <thead><tr><th>代码</th><th>名称</th><th>网上缴费</th><th>退费说明</th></tr></thead>
        <tbody>{{#areas}}<tr><td>{{code}}</td><td>{{name}}</td><td>{{payment}}</td><td>{{refund}}</td></tr>{{/areas}}</tbody>
        </table>
        <h2>考点</h2>
        <table>
        <thead><tr><th>代码</th><th>名称</th><th>考区</th></tr></thead>
        <tbody>{{#sites}}<tr><td>{{code}}</td><td>{{name}}</td><td>{{area}}</td></tr>{{/sites}}</tbody>
        </table>
        <h2>待退还的重复缴费</h2>
        {{#noExcess}}<p>无。</p>{{/noExcess}}
        {{^noExcess}}
        <p class="hints">退费：<code>POST /api/v1/candidates/{考生编号}/applications/{报名编号}/refunds</code>，写明原因。</p>
        <table>
        <thead><tr><th>考生</th><th>考点</th><th>已缴</th><th>已退</th><th>待退还</th><th>考生编号</th><th>报名编号</th></tr></thead>
        <tbody>{{#excess}}<tr><td>{{name}}</td><td>{{site}}</td><td>{{paid}}</td><td>{{refunded}}</td><td>{{excess}}</td><td class="id">{{candidate}}</td><td class="id">{{application}}</td></tr>{{/excess}}</tbody>
        </table>
        {{/noExcess}}
        <h2>未能登记的银行缴费确认（待与银行对账）</h2>
        {{#noRefused}}<p>无。</p>{{/noRefused}}
        {{^noRefused}}
        <table>
        <thead><tr><th>首次收到</th><th>银行交易流水号</th><th>订单号</th><th>银行确认金额</th><th>未登记原因</th><th>收到次数</th><th>报名编号</th></tr></thead>
        <tbody>{{#refused}}<tr><td>{{received}}</td><td>{{transaction}}</td><td>{{order}}</td><td>{{amount}}</td><td>{{message}}</td><td>{{deliveries}}</td><td class="id">{{application}}</td></tr>{{/refused}}</tbody>
        </table>
        {{/noRefused}}
        <h2>工作人员账号</h2>
        <div class="scroll">
        <table>
        <thead><tr><th>用户名</th><th>姓名</th><th>角色</th><th>考区</th><th>考点</th><th>状态</th><th>编号</th></tr></thead>
        <tbody>{{#staff}}<tr><td>{{username}}</td><td>{{name}}</td><td>{{role}}</td><td>{{area}}</td><td>{{sites}}</td><td>{{state}}</td><td class="id">{{id}}</td></tr>{{/staff}}</tbody>
        </table>
        </div>
        """

    static let error = """
        <h1>{{title}}</h1>
        <p class="error">{{message}}</p>
        <p>状态 {{status}}，代码 {{code}}</p>
        """
}
