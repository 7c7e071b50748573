import { describe, expect, it } from "vitest";
import {
  SUMMARY_MARKER,
  findingIdInBody,
  findingMarker,
  firstLineIs,
  permissionIdInBody,
  permissionMarker,
} from "../../../src/core/render/markers.js";

describe("markers", () => {
  it("have the fixed shapes of SPEC §3", () => {
    expect(SUMMARY_MARKER).toBe("<!-- warden:summary -->");
    expect(findingMarker("F2")).toBe("<!-- warden:finding F2 -->");
    expect(permissionMarker("p-abc123")).toBe("<!-- warden:permission p-abc123 -->");
  });

  it("firstLineIs only looks at the first line", () => {
    expect(firstLineIs(`${SUMMARY_MARKER}\n## 🔍 Warden Review`, SUMMARY_MARKER)).toBe(true);
    expect(firstLineIs(`${SUMMARY_MARKER}\r\nbody`, SUMMARY_MARKER)).toBe(true);
    expect(firstLineIs(SUMMARY_MARKER, SUMMARY_MARKER)).toBe(true);
    expect(firstLineIs(`quote:\n${SUMMARY_MARKER}`, SUMMARY_MARKER)).toBe(false);
    expect(firstLineIs(`${SUMMARY_MARKER} extra`, SUMMARY_MARKER)).toBe(false);
    expect(firstLineIs("", SUMMARY_MARKER)).toBe(false);
  });

  it("findingIdInBody finds the marker anywhere, the last one winning", () => {
    expect(findingIdInBody(`**[HIGH Bug]** x\n\nbody\n\n${findingMarker("F12")}`)).toBe("F12");
    expect(findingIdInBody(`${findingMarker("F1")}\n${findingMarker("F3")}`)).toBe("F3");
    expect(findingIdInBody("no marker here")).toBeUndefined();
    expect(findingIdInBody("<!-- warden:finding X1 -->")).toBeUndefined();
  });

  it("permissionIdInBody reads a well-formed id from the first line only", () => {
    expect(permissionIdInBody(`${permissionMarker("p-abc123")}\nbody`)).toBe("p-abc123");
    expect(permissionIdInBody(`text\n${permissionMarker("p-abc123")}`)).toBeUndefined();
    expect(permissionIdInBody(permissionMarker("p-ABC123"))).toBeUndefined();
  });
});
