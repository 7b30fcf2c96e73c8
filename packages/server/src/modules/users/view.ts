import type { User } from './types.js';

/** The user JSON of MeshyDB's docs. Secrets (password hash, answers) never leave the server. */
export function userView(user: User) {
  return {
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    verified: user.verified,
    isActive: user.isActive,
    phoneNumber: user.phoneNumber,
    emailAddress: user.emailAddress,
    roles: user.roles.map((r) => ({ name: r.name, addedDate: new Date(r.addedDate).toISOString() })),
    securityQuestions: user.securityQuestions.map((q) => ({ question: q.question, answer: '...' })),
    anonymous: user.anonymous,
    lastAccessed: user.lastAccessed === null ? null : new Date(user.lastAccessed).toISOString(),
  };
}
