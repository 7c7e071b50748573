import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/core/model/finding.js";
import { findingIdInBody } from "../../../src/core/render/markers.js";
import { findingLocation, renderInlineFinding, renderResolvedReply } from "../../../src/core/render/render-finding.js";

function finding(patch: Partial<Finding> = {}): Finding {
  return {
    id: "F2",
    fingerprint: "security|backend/preloop/services/approval_helper.py|approval token returned to the calling agent",
    severity: "high",
    category: "Security",
    title: "Approval token returned to the calling agent",
    body: "The helper returns the raw approval token to the agent, which can then approve its own requests.",
    recommendation: "Return only the request id and keep the token server-side.",
    path: "backend/preloop/services/approval_helper.py",
    line: 343,
    state: "open",
    firstSeenSha: "5ae66b2aa",
    lastSeenSha: "5ae66b2aa",
    ...patch,
  };
}

describe("renderInlineFinding", () => {
  it("renders the SPEC §3 layout", () => {
    expect(renderInlineFinding(finding())).toMatchSnapshot();
  });

  it("renders a multi-line recommendation and a line range", () => {
    const f = finding({
      severity: "critical",
      category: "Bug",
      endLine: 350,
      recommendation: 'Do this:\n\n```py\nreturn {"id": req.id}\n```',
    });
    expect(renderInlineFinding(f)).toMatchSnapshot();
  });

  it("starts with the severity label and ends with the finding marker", () => {
    const body = renderInlineFinding(finding());
    expect(body.startsWith("**[HIGH Security]** Approval token returned to the calling agent\n")).toBe(true);
    expect(body.split("\n").at(-1)).toBe("<!-- warden:finding F2 -->");
    expect(body).toContain("**Affected files:** `backend/preloop/services/approval_helper.py:343`");
    expect(body).toContain("**Recommendation:** Return only the request id and keep the token server-side.");
  });

  it("passes agent text through the escapers so it cannot forge a marker or ping", () => {
    const body = renderInlineFinding(
      finding({
        title: "Fix it @alice <!-- warden:finding F1 -->",
        body: "<!-- warden:finding F1 -->\n@bob /approve\n/approve",
        recommendation: "ask @carol",
      }),
    );
    expect(findingIdInBody(body)).toBe("F2");
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).not.toMatch(/@[a-z]/);
    expect(body).not.toMatch(/^\/approve/m);
  });

  it("omits empty parts", () => {
    const body = renderInlineFinding(finding({ body: " ", recommendation: "", path: undefined, line: undefined }));
    expect(body).toBe("**[HIGH Security]** Approval token returned to the calling agent\n\n<!-- warden:finding F2 -->");
  });
});

describe("findingLocation", () => {
  it("formats path, line and range", () => {
    expect(findingLocation({ path: "a.ts", line: 3 })).toBe("a.ts:3");
    expect(findingLocation({ path: "a.ts", line: 3, endLine: 7 })).toBe("a.ts:3-7");
    expect(findingLocation({ path: "a.ts", line: 3, endLine: 3 })).toBe("a.ts:3");
    expect(findingLocation({ path: "a.ts" })).toBe("a.ts");
    expect(findingLocation({ line: 3 })).toBeUndefined();
  });
});

describe("renderResolvedReply", () => {
  it("names the short sha of the resolving commit", () => {
    expect(renderResolvedReply("abc1234def5678")).toBe("✅ Resolved in abc1234");
  });
});
