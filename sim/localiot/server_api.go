package localiot

// EndpointAddress returns the MQTT host name DescribeEndpoint reports (Config.EndpointAddress,
// "localhost" by default); clients connect to it on the port of Addr.
func (s *Server) EndpointAddress() string { return s.cfg.EndpointAddress }

// UpdateCertificate changes a device certificate's status (see Registry.UpdateCertificate) and,
// when it leaves ACTIVE, closes the connections that use it, as AWS IoT does within minutes.
func (s *Server) UpdateCertificate(id, status string) error {
	prev, err := s.reg.UpdateCertificate(id, status)
	if err != nil {
		return err
	}
	if prev == StatusActive && status != StatusActive {
		if n := s.disconnectCertificate(normalID(id)); n > 0 {
			s.log.Info("disconnected clients of a certificate no longer ACTIVE", "cert", id, "status", status, "clients", n)
		}
	}
	return nil
}
