import dgram from 'node:dgram';
import radius from 'radius';
const s = dgram.createSocket('udp4');
const withMA = process.argv[2] === 'ma';
const pkt = radius.encode({ code: 'Access-Request', secret: 's3cret', identifier: 7, add_message_authenticator: withMA,
  attributes: [['User-Name', process.argv[3] ?? 'bob'], ['User-Password', 'pw'], ...(process.argv[4] ? [['Proxy-State', Buffer.from('ab')]] : [])] });
const t = setTimeout(() => { console.log('no answer'); s.close(); }, 3000);
s.on('message', (m) => {
  clearTimeout(t);
  const types = []; for (let i = 20; i < m.length; i += m[i+1]) types.push(m[i]);
  console.log(radius.decode({ packet: m, secret: 's3cret' }).code, 'attr types', types.join(','));
  s.close();
});
s.send(pkt, 18120, '127.0.0.1');
