"""MARAC (multi-agency risk assessment conference): referrals, meetings, agendas, research
notes, actions, restricted minutes and the quarterly data form figures."""
