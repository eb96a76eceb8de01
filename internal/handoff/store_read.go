package handoff

import "context"

var _ ReadTokens = (*Memory)(nil)

// SetReadToken implements ReadTokens.
func (m *Memory) SetReadToken(_ context.Context, id, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tickets[id]; ok && t.Status == StatusOpen {
		if m.readTokens == nil {
			m.readTokens = map[string]string{}
		}
		m.readTokens[id] = token
	}
	return nil
}

// TakeReadToken implements ReadTokens.
func (m *Memory) TakeReadToken(_ context.Context, id string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	token := m.readTokens[id]
	delete(m.readTokens, id)
	return token, nil
}
