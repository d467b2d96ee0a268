// Whether the user locked the vault from inside the app (Settings, "Lock now"): the vault gate
// then shows the unlock screen again.
export const session = $state({ locked: false });
