import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { postJson } from '../../helpers/http.js';
import { codeIn, TestMailServer, TestSmsReceiver, waitFor } from '../../helpers/mail.js';
import { startTestServer } from '../../helpers/server.js';
import { webhookSignature } from '../../../src/modules/outbox/sms-webhook.js';
import { passwordGrant } from '../../helpers/tokens.js';

const WEBHOOK_SECRET = 'a webhook secret of some length';

describe('delivery: text messages by webhook, SMTP outages, no transport', () => {
  test('text recovery: the code arrives signed at the webhook and completes verification and reset', async () => {
    const sms = new TestSmsReceiver();
    await sms.start();
    const t = await startTestServer({ flags: { '--sms-webhook-url': sms.url, '--sms-webhook-secret': WEBHOOK_SECRET, '--outbox-poll': '50' } });
    try {
      await t.setAccountSettings({ recovery: 'text' });
      const phone = '+15555555555';
      const registered = await postJson(`${t.base}/users/register`, { username: 'texter', newPassword: 'first-password', phoneNumber: phone });
      assert.equal(registered.status, 201);
      assert.equal(registered.body.hint, '+1******5555');
      const [message] = await sms.messagesTo(phone);
      assert.equal(message!.account, 'test');
      assert.equal(message!.signature, webhookSignature(Buffer.from(WEBHOOK_SECRET), message!.timestamp, message!.rawBody));
      assert.equal((await postJson(`${t.base}/users/verify`, { ...registered.body, verificationCode: codeIn(message!.body) })).status, 204);

      const forgot = await postJson(`${t.base}/users/forgotpassword`, { username: 'texter' });
      assert.equal(forgot.body.hint, '+1******5555');
      const code = codeIn((await sms.messagesTo(phone, 2))[1]!.body);
      assert.equal((await postJson(`${t.base}/users/resetpassword`, { ...forgot.body, verificationCode: code, newPassword: 'second-password' })).status, 204);
      assert.equal((await passwordGrant(t, 'texter', 'second-password')).status, 200);
    } finally {
      await t.close();
      await sms.stop();
    }
  });

  test('SMTP down: the request still succeeds; the message goes out once SMTP is back', async () => {
    const mail = new TestMailServer();
    await mail.start();
    const port = mail.port;
    await mail.stop();
    const t = await startTestServer({ flags: { '--smtp-url': `smtp://user:pass@127.0.0.1:${port}`, '--outbox-poll': '50' } });
    try {
      await t.setAccountSettings({ recovery: 'email' });
      const registered = await postJson(`${t.base}/users/register`, { username: 'outage', newPassword: 'first-password', emailAddress: 'outage@test.com' });
      assert.equal(registered.status, 201);
      const account = (await t.server.store.accounts.findByName('test'))!;
      const failed = await waitFor(async () => {
        const [message] = await t.server.store.outbox.list(account.id, 10);
        return message && message.lastError !== null ? message : undefined;
      }, 15_000, 'a failed attempt');
      assert.equal(failed.deliveredAt, null);
      assert.ok(t.logs.some((line) => line.includes('outbox: delivery failed')));

      await mail.start();
      t.clock.advance(60_000);
      const [received] = await mail.mailsTo('outage@test.com');
      const code = codeIn(received!.raw.split(/\r?\n\r?\n/).slice(1).join('\n'));
      assert.equal((await postJson(`${t.base}/users/verify`, { ...registered.body, verificationCode: code })).status, 204);
      const [delivered] = await t.server.store.outbox.list(account.id, 10);
      assert.notEqual(delivered!.deliveredAt, null);
      assert.equal(delivered!.body, '', 'a delivered message keeps no code');
      assert.equal(mail.mails.length, 1);
    } finally {
      await t.close();
      await mail.stop();
    }
  });

  test('no transport: the server says delivery is off, and messages wait in the outbox', async () => {
    const t = await startTestServer();
    try {
      assert.ok(t.logs.some((line) => line.includes('e-mail off') && line.includes('openmeshy outbox list')), 'delivery off is logged');
      await t.setAccountSettings({ recovery: 'email' });
      const registered = await postJson(`${t.base}/users/register`, { username: 'local_dev', newPassword: 'first-password', emailAddress: 'dev@test.com' });
      assert.equal(registered.status, 201);
      const account = (await t.server.store.accounts.findByName('test'))!;
      const [waiting] = await t.server.store.outbox.list(account.id, 10);
      assert.equal(waiting!.recipient, 'dev@test.com');
      assert.equal(waiting!.attempts, 0);
      assert.equal((await postJson(`${t.base}/users/verify`, { ...registered.body, verificationCode: codeIn(waiting!.body) })).status, 204);
    } finally {
      await t.close();
    }
  });
});
