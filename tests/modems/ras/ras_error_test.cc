#include "dialsoak/ras/ras_error.h"

#include <gtest/gtest.h>

namespace dialsoak::ras {
namespace {

TEST(RasErrorTest, MapsTheFourCallOutcomes) {
  EXPECT_EQ(RasErrorResult(676), CallResult::Busy);
  EXPECT_EQ(RasErrorResult(678), CallResult::NoAnswer);
  EXPECT_EQ(RasErrorResult(679), CallResult::NoCarrier);
  EXPECT_EQ(RasErrorResult(680), CallResult::NoDialtone);
}

TEST(RasErrorTest, AnyOtherCodeIsAnError) {
  for (std::uint32_t code : {1u, 600u, 628u, 677u, 691u, 692u, 718u, 797u}) {
    EXPECT_EQ(RasErrorResult(code), CallResult::Error) << code;
  }
}

TEST(RasErrorTest, DetailHasTheCodeAndItsText) {
  EXPECT_EQ(RasErrorDetail(692, "There was a hardware failure in the modem.\r\n"),
            "RAS error 692: There was a hardware failure in the modem");
  EXPECT_EQ(RasErrorDetail(676, "The line is busy."), "RAS error 676: The line is busy");
}

// The authentication errors stay Error outcomes (no CallResult of their own), with their
// class in the detail so that a summary tells them from a modem or phonebook error.
TEST(RasErrorTest, AuthenticationErrorsAreErrorsThatSaySo) {
  for (std::uint32_t code : {645u, 646u, 647u, 648u, 649u, 691u, 708u, 709u}) {
    EXPECT_EQ(ClassOfRasError(code), RasErrorClass::Authentication) << code;
    EXPECT_EQ(RasErrorResult(code), CallResult::Error) << code;
    EXPECT_FALSE(RasErrorMeaning(code).empty()) << code;
  }
  EXPECT_EQ(RasErrorDetail(691,
                           "Access was denied because the username and/or password was invalid "
                           "on the domain.\r\n"),
            "RAS error 691 (authentication failed): Access was denied because the username "
            "and/or password was invalid on the domain");
  EXPECT_EQ(RasErrorDetail(649, ""),
            "RAS error 649 (authentication failed): the account has no permission to dial in "
            "(no text from RAS; the documented meaning)");
}

TEST(RasErrorTest, PppEndingsOftenFromARefusedLoginSaySo) {
  for (std::uint32_t code : {718u, 719u, 734u}) {
    EXPECT_EQ(ClassOfRasError(code), RasErrorClass::PppEnded) << code;
    EXPECT_EQ(RasErrorResult(code), CallResult::Error) << code;
  }
  EXPECT_EQ(RasErrorDetail(734, "The PPP link control protocol was terminated."),
            "RAS error 734 (PPP ended before it was complete, often a refused login): The PPP "
            "link control protocol was terminated");
  // 735 (the requested address was rejected) is IP negotiation after the login: no class.
  EXPECT_EQ(ClassOfRasError(735), RasErrorClass::Other);
  EXPECT_EQ(RasErrorDetail(735, "The requested address was rejected by the server."),
            "RAS error 735: The requested address was rejected by the server");
  for (std::uint32_t code : {1u, 623u, 676u, 692u, 919u}) {
    EXPECT_EQ(ClassOfRasError(code), RasErrorClass::Other) << code;
    EXPECT_TRUE(RasErrorMeaning(code).empty()) << code;
  }
}

TEST(RasErrorTest, DetailWithoutTextSaysSo) {
  EXPECT_EQ(RasErrorDetail(692, ""), "RAS error 692 (no error text)");
  EXPECT_EQ(RasErrorDetail(692, " .\r\n"), "RAS error 692 (no error text)");
}

}  // namespace
}  // namespace dialsoak::ras
